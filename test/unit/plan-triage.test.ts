import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { DbsError } from '../../src/dbs/errors.js';
import { nextPlanArgumentsOf } from '../../src/tools/list-backup-plans/args.js';
import { attentionReason, backupPeriodOf, normalisePlan } from '../../src/tools/list-backup-plans/plans.js';
import { renderPlansText, scheduleCell } from '../../src/tools/list-backup-plans/render.js';
import { listBackupPlans } from '../../src/tools/list-backup-plans/tool.js';
import { fakeClient, planInput, rawPlans } from '../helpers/fake-client.js';

const config: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 2 };
const input = planInput;
const plan = (raw: Record<string, unknown>) => normalisePlan({ BackupPlanId: 'p1', ...raw }, false, 'cn-hangzhou');

describe('the backup schedule', () => {
  it.each([
    [
      'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday',
      '02:00',
      ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
      'daily 02:00',
    ],
    ['Monday, Thursday', '03:30', ['Monday', 'Thursday'], 'Mon,Thu 03:30'],
    ['Sunday', undefined, ['Sunday'], 'Sun'],
    ['', '01:00', null, '01:00'],
    [undefined, undefined, null, '-'],
  ])('BackupPeriod %j at %j: %j, shown as %j', (period, start, days, shown) => {
    expect(backupPeriodOf(period)).toEqual(days);
    const p = plan({ BackupPeriod: period, BackupStartTime: start });
    expect(p.backupPeriod).toEqual(days);
    expect(p.backupStartTime).toBe(start ?? null);
    expect(scheduleCell(p)).toBe(shown);
  });
});

describe('why a plan needs attention', () => {
  it.each([
    [{ BackupPlanStatus: 'pause' }, 'paused: not backing up'],
    [{ BackupPlanStatus: 'PAUSE', ErrMessage: 'ignored' }, 'paused: not backing up'],
    [
      { BackupPlanStatus: 'locked', InstanceExpiredTimestamp: Date.UTC(2026, 10, 18, 16), InstanceChargeType: 'PREPAY' },
      'locked: the instance expired on 2026-11-18; charge type PREPAY (subscription)',
    ],
    [
      { BackupPlanStatus: 'locked', InstanceChargeType: 'POSTPAY', ErrMessage: 'overdue payment' },
      'locked: charge type POSTPAY (pay-as-you-go); overdue payment',
    ],
    [{ BackupPlanStatus: 'locked', InstanceChargeType: 'BARTER' }, 'locked: charge type BARTER'],
    [{ BackupPlanStatus: 'locked' }, 'locked: the API gives no reason'],
    [{ BackupPlanStatus: 'init', ErrMessage: 'precheck failed: gateway offline' }, 'precheck failed: gateway offline'],
    [{ BackupPlanStatus: 'stop' }, 'no error message'],
  ])('%j: %s', (raw, reason) => {
    expect(attentionReason(plan(raw))).toBe(reason);
  });

  it('reads the instance fields into the plan', () => {
    expect(plan({ InstanceExpiredTimestamp: String(Date.UTC(2026, 10, 18, 11, 6, 40)), InstanceChargeType: 'PREPAY' })).toMatchObject({
      instanceExpiredAt: '2026-11-18T11:06:40.000Z',
      instanceChargeType: 'PREPAY',
    });
    expect(plan({ InstanceExpiredTimestamp: 0 })).toMatchObject({ instanceExpiredAt: null, instanceChargeType: null });
  });
});

describe('several regions in one call', () => {
  const regionOf = (r: { region?: string | undefined }) => r.region;

  it('reads each region once, sending it as Region, and continues a capped region by its regionId', async () => {
    const client = fakeClient([], { plans: rawPlans(5) });
    const result = await listBackupPlans(input({ regionIds: ['cn-hangzhou', 'cn-shanghai'], pageSize: 2, maxPages: 1 }), { client, config });
    expect(client.planRequests.map(regionOf).sort()).toEqual(['cn-hangzhou', 'cn-shanghai']);
    expect(result.regions.map((r) => [r.regionId, r.complete])).toEqual([
      ['cn-hangzhou', false],
      ['cn-shanghai', false],
    ]);
    expect(result.nextArguments).toEqual({ regionId: 'cn-hangzhou', pageSize: 2, pageNum: 1, maxPages: 1 });
    expect(result.page).toMatchObject({ pagesFetched: 2, totalElements: 10, hasMore: true, nextPageNum: 1 });
  });

  it('answers for the regions that could be read, naming the one that failed, and fails only when all fail', async () => {
    const failing = (region: string) =>
      fakeClient([], {
        plans: rawPlans(3),
        failPlans: (r) => (r.region === region ? new DbsError('Forbidden.RAM', 'denied', { httpStatus: 403 }) : undefined),
      });
    const result = await listBackupPlans(input({ regionIds: ['cn-hangzhou', 'cn-shanghai'] }), { client: failing('cn-shanghai'), config });
    expect(result.summary.fetched).toBe(3);
    expect(result.regions[1]).toEqual({ regionId: 'cn-shanghai', plans: 0, complete: false, error: { code: 'Forbidden.RAM', message: 'denied' } });
    expect(result.warnings).toEqual(['region cn-shanghai: the plan listing failed (Forbidden.RAM: denied); its plans are not counted']);
    const all = fakeClient([], { plans: rawPlans(3), failPlans: () => new DbsError('Forbidden.RAM', 'denied', { httpStatus: 403 }) });
    await expect(listBackupPlans(input({ regionIds: ['cn-hangzhou', 'cn-shanghai'] }), { client: all, config })).rejects.toMatchObject({
      code: 'Forbidden.RAM',
    });
  });

  it('sends progress that only rises across regions', async () => {
    const seen: number[] = [];
    const client = fakeClient([], { plans: rawPlans(7) });
    await listBackupPlans(input({ regionIds: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'], pageSize: 2 }), {
      client,
      config,
      onProgress: (done) => seen.push(done),
    });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(12);
  });

  it('refuses two ways of naming regions', async () => {
    const client = fakeClient([], { plans: rawPlans(1) });
    await expect(listBackupPlans(input({ regionId: 'cn-hangzhou', allRegions: true }), { client, config })).rejects.toThrow(
      'give one of regionId, regionIds and allRegions, not regionId and allRegions',
    );
    expect(client.planRequests).toHaveLength(0);
  });

  it('shows a region column and a region per attention line only when several regions were read', async () => {
    const statuses = ['running', 'pause'];
    const one = await listBackupPlans(input(), { client: fakeClient([], { plans: rawPlans(2, statuses) }), config });
    const oneText = renderPlansText(one, input());
    expect(oneText).toContain('- p001 plan 1 [pause]: paused: not backing up');
    expect(oneText).toContain('\nid | name | status |');
    const failing = fakeClient([], {
      plans: rawPlans(2, statuses),
      failPlans: (r) => (r.region === 'cn-shanghai' ? new DbsError('Throttling.User', 'slow down') : undefined),
    });
    const several = input({ regionIds: ['cn-hangzhou', 'cn-shanghai'] });
    const text = renderPlansText(await listBackupPlans(several, { client: failing, config }), several);
    expect(text.split('\n')[0]).toBe('Backup plans in regions cn-hangzhou, cn-shanghai: 1 page of up to 100 plans read, 2 in total.');
    expect(text).toContain('Warning: region cn-shanghai: the plan listing failed (Throttling.User: slow down); its plans are not counted');
    expect(text).toContain('- p001 (cn-hangzhou) plan 1 [pause]: paused: not backing up');
    expect(text).toContain('\nid | region | name | status | database | source | schedule | auto-download | created\np001 | cn-hangzhou | plan 1 |');
    expect(text).toContain('e.g. {"backupPlanId":"p001","regionId":"cn-hangzhou","allPages":true}.');
    expect(text).toContain('call list_backup_set_download_tasks without backupPlanId: {"regionIds":["cn-hangzhou","cn-shanghai"]}.');
  });

  it('repeats the region a continuation reads in', () => {
    expect(nextPlanArgumentsOf(input({ regionIds: ['a-1', 'b-2'] }), 3, 'b-2')).toEqual({ regionId: 'b-2', pageNum: 3 });
    expect(nextPlanArgumentsOf(input({ regionId: 'a-1' }), 3)).toEqual({ regionId: 'a-1', pageNum: 3 });
  });
});
