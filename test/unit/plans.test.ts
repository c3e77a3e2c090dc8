import { describe, expect, it } from 'vitest';
import { normalisePlan, PlanDigest, storageOf, summarisePlans } from '../../src/tools/list-backup-plans/plans.js';
import { planStatusMeaning, type BackupPlan } from '../../src/tools/list-backup-plans/schema.js';
import { rawPlans } from '../helpers/fake-client.js';

const FULL_RAW = {
  BackupPlanId: 'dbs1abc',
  BackupPlanName: ' prod mysql ',
  BackupPlanStatus: 'init',
  BackupPlanCreateTime: 1_764_000_000_000,
  BackupMethod: 'logical',
  DatabaseType: 'MySQL',
  SourceEndpointInstanceType: 'rds',
  SourceEndpointInstanceID: 'rm-bp1xyz',
  SourceEndpointRegion: 'cn-hangzhou',
  SourceEndpointUserName: 'dbs_backup',
  SourceEndpointIpPort: '10.1.2.3:3306',
  BackupRetentionPeriod: 730,
  BackupStorageType: '',
  OSSBucketName: 'acme-backups',
  OSSBucketRegion: 'cn-hangzhou',
  BackupGatewayId: '1234567890123456789',
  OpenBackupSetAutoDownload: true,
  BackupSetDownloadTargetType: 'agent',
  BackupSetDownloadDir: '/data/dbs',
  BackupSetDownloadGatewayId: '2305843009213693953',
  BackupSetDownloadFullDataFormat: 'csv',
  BackupSetDownloadIncrementDataFormat: 'binlog',
  BeginTimestampForRestore: 1_764_100_000_000,
  EndTimestampForRestore: 1_764_200_000_000,
  CrossAliyunId: '1234567890123456',
  CrossRoleName: 'dbs-cross',
  ErrMessage: 'precheck failed: see https://oss.example.com/report?Signature=abc&OSSAccessKeyId=STS.x',
};

const EXPECTED: BackupPlan = {
  backupPlanId: 'dbs1abc',
  backupPlanName: 'prod mysql',
  status: 'init',
  statusMeaning: 'not started: precheck failed',
  dbType: 'MySQL',
  backupMethod: 'logical',
  sourceType: 'rds',
  sourceInstanceId: 'rm-bp1xyz',
  sourceRegion: 'cn-hangzhou',
  createdAt: '2025-11-24T16:00:00.000Z',
  retentionDays: 730,
  storage: 'user OSS',
  autoDownload: true,
  downloadTargetType: 'agent',
  downloadDir: '/data/dbs',
  downloadFormats: { full: 'csv', incremental: 'binlog' },
  restorableFrom: '2025-11-25T19:46:40.000Z',
  restorableTo: '2025-11-26T23:33:20.000Z',
  errorMessage: 'precheck failed: see https://oss.example.com/report?***',
  regionId: 'cn-hangzhou',
  backupPeriod: null,
  backupStartTime: null,
  instanceChargeType: null,
  instanceExpiredAt: null,
};

describe('normalisePlan', () => {
  it('maps every field and leaves the infrastructure out by default', () => {
    expect(normalisePlan(FULL_RAW, false, 'cn-hangzhou')).toEqual(EXPECTED);
  });

  it('adds the infrastructure only when asked', () => {
    expect(normalisePlan(FULL_RAW, true, 'cn-hangzhou')).toEqual({
      ...EXPECTED,
      details: {
        sourceUser: 'dbs_backup',
        sourceIpPort: '10.1.2.3:3306',
        ossBucket: 'acme-backups',
        ossRegion: 'cn-hangzhou',
        crossAccountId: '1234567890123456',
        crossRoleName: 'dbs-cross',
      },
    });
  });

  it('turns missing, empty and zero values into null, never "undefined" or NaN', () => {
    const plan = normalisePlan(
      { BackupPlanId: 'p', BackupPlanCreateTime: 0, BackupRetentionPeriod: 'x', ErrMessage: '  ', OpenBackupSetAutoDownload: 'maybe' },
      true,
      'cn-hangzhou',
    );
    expect(plan).toMatchObject({
      status: null,
      statusMeaning: null,
      createdAt: null,
      retentionDays: null,
      errorMessage: null,
      autoDownload: null,
      storage: null,
    });
    expect(JSON.stringify(plan)).not.toMatch(/undefined|NaN/);
    expect(plan.details).toEqual({ sourceUser: null, sourceIpPort: null, ossBucket: null, ossRegion: null, crossAccountId: null, crossRoleName: null });
  });

  it('reads booleans and numbers sent as strings', () => {
    expect(
      normalisePlan({ OpenBackupSetAutoDownload: 'false', BackupRetentionPeriod: '7', BackupPlanCreateTime: '1764000000000' }, false, 'cn-hangzhou'),
    ).toMatchObject({
      autoDownload: false,
      retentionDays: 7,
      createdAt: '2025-11-24T16:00:00.000Z',
    });
  });
});

describe('plan statuses and storage', () => {
  it.each([
    ['wait', 'not configured'],
    ['init', 'not started: precheck failed'],
    ['check_pass', 'precheck passed'],
    ['running', 'running'],
    ['pause', 'paused'],
    ['stop', 'failed'],
    ['locked', 'locked'],
    ['STOP', 'failed'],
    ['archived', null],
    [null, null],
  ])('%s means %s', (status, meaning) => {
    expect(planStatusMeaning(status)).toBe(meaning);
  });

  it.each([
    ['', 'user OSS'],
    ['system', 'DBS built-in'],
    ['SYSTEM', 'DBS built-in'],
    ['nas', 'nas'],
    [undefined, null],
  ])('storage %j is %j', (raw, storage) => {
    expect(storageOf(raw)).toBe(storage);
  });
});

describe('summarisePlans', () => {
  it('counts by raw status and database type, and lists the newest plans that need attention', () => {
    const plans = rawPlans(8, ['running', 'init', 'stop', 'wait', 'locked', 'pause', 'check_pass', 'Archived']).map((raw) =>
      normalisePlan(raw, false, 'cn-hangzhou'),
    );
    expect(summarisePlans(plans, 5)).toEqual({
      fetched: 8,
      listed: 5,
      byStatus: { running: 1, init: 1, stop: 1, wait: 1, locked: 1, pause: 1, check_pass: 1, Archived: 1 },
      byDbType: { PostgreSQL: 3, MySQL: 5 },
      byRegion: { 'cn-hangzhou': 8 },
      attention: [
        { backupPlanId: 'p005', backupPlanName: 'plan 5', status: 'pause', errorMessage: null, regionId: 'cn-hangzhou', reason: 'paused: not backing up' },
        {
          backupPlanId: 'p004',
          backupPlanName: 'plan 4',
          status: 'locked',
          errorMessage: null,
          regionId: 'cn-hangzhou',
          reason: 'locked: the API gives no reason',
        },
        { backupPlanId: 'p003', backupPlanName: 'plan 3', status: 'wait', errorMessage: null, regionId: 'cn-hangzhou', reason: 'no error message' },
        { backupPlanId: 'p002', backupPlanName: 'plan 2', status: 'stop', errorMessage: null, regionId: 'cn-hangzhou', reason: 'no error message' },
        {
          backupPlanId: 'p001',
          backupPlanName: 'plan 1',
          status: 'init',
          errorMessage: 'precheck failed 1',
          regionId: 'cn-hangzhou',
          reason: 'precheck failed 1',
        },
      ],
      attentionTotal: 5,
    });
  });

  it('keeps at most 50 plans in attention but counts them all', () => {
    const plans = rawPlans(120, ['init']).map((raw) => normalisePlan(raw, false, 'cn-hangzhou'));
    const summary = summarisePlans(plans, 120);
    expect(summary.attentionTotal).toBe(120);
    expect(summary.attention).toHaveLength(50);
    expect(summary.attention[0]?.backupPlanId).toBe('p119');
  });
});

describe('PlanDigest', () => {
  it('skips a plan seen on an earlier page, sorts newest first and lists up to limit', () => {
    const raw = rawPlans(6);
    const digest = new PlanDigest({ limit: 3, includeEndpointDetails: false });
    digest.add(raw.slice(0, 4), 'cn-hangzhou');
    digest.add(raw.slice(3), 'cn-hangzhou');
    const { summary, plans } = digest.result();
    expect(plans.map((p) => p.backupPlanId)).toEqual(['p005', 'p004', 'p003']);
    expect(summary).toMatchObject({ fetched: 6, listed: 3 });
    expect(plans.every((p) => p.details === undefined)).toBe(true);
  });
});
