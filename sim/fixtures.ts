import type { RawTask, SimCredential } from './types.js';

/** The AccessKey pair the simulator accepts by default. Not a real Alibaba Cloud key. */
export const TEST_CREDENTIALS: SimCredential = {
  accessKeyId: 'LTAI5tSimTestKeyId0001',
  accessKeySecret: 'sim-secret-0b4c1f9e7d2a',
};

export interface TaskFixtureOptions {
  planId: string;
  count: number;
  /** Same planId, count, seed and times always give the same tasks. Default 1. */
  seed?: number;
  /** Creation time of the newest task, ms epoch. Fixed by default so fixtures never depend on the clock. */
  startMs?: number;
  /** Average gap between consecutive creation times, ms. Default 3 hours. */
  stepMs?: number;
  /** The plan's database type for every task; default: a mix. */
  dbType?: string;
}

const DEFAULT_START_MS = Date.UTC(2026, 10, 28, 6, 0, 0);
const DEFAULT_STEP_MS = 3 * 60 * 60 * 1000;
const MAX_DATA_SIZE = 200 * 1024 ** 3;

const CANONICAL_STATUSES = ['init', 'checking', 'check_pass', 'schedule', 'running', 'pause', 'stop', 'finish', 'failed', 'warning', 'caught'] as const;
// The API documents lower-case statuses, but mixed-case and undocumented ones have been seen: clients must cope.
const SHOWCASE_STATUSES = [...CANONICAL_STATUSES, 'Finish', 'FAILED', 'archived'];
const WEIGHTED_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['finish', 40],
  ['running', 10],
  ['failed', 8],
  ['init', 5],
  ['checking', 4],
  ['check_pass', 3],
  ['schedule', 5],
  ['pause', 3],
  ['stop', 4],
  ['warning', 4],
  ['caught', 3],
  ['Finish', 4],
  ['FAILED', 2],
  ['Running', 1],
];
const ENDED_STATUSES = new Set(['finish', 'failed', 'warning', 'stop', 'archived']);
// As the official SDK reference has it: init is a failed precheck (never started), stop a failed download.
const ERROR_STATUSES = new Set(['init', 'stop', 'failed', 'warning', 'caught']);

const DB_TYPES = ['MySQL', 'MySQL', 'PostgreSQL', 'SQLServer', 'MongoDB'] as const;
const DATA_FORMATS = ['Native', 'SQL', 'CSV', 'JSON'] as const;
const FILE_SUFFIX: Record<(typeof DATA_FORMATS)[number], string> = {
  Native: 'tar.gz',
  SQL: 'sql.gz',
  CSV: 'csv.tar.gz',
  JSON: 'json.tar.gz',
};
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'] as const;
const PRECHECK_ERRORS = [
  'precheck failed: backup gateway offline',
  'precheck failed: download directory /data/dbs is not writable',
  'precheck failed: backup set not found in storage',
];
const ERROR_MESSAGES = [
  'java.lang.IndexOutOfBoundsException',
  'backup gateway offline: no heartbeat for 600s',
  'OSS upload failed: RequestTimeTooSkewed',
  'disk full on download target: 0 bytes left in /data/dbs',
  'source backup set expired before conversion',
];

/** mulberry32: tiny, fast and good enough for fixtures; Math.random would make them unrepeatable. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

class Dice {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  weighted(items: ReadonlyArray<readonly [string, number]>): string {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of items) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return items[items.length - 1]?.[0] ?? '';
  }
  base36(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0, 35).toString(36);
    return out;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
  /** A uint32 built from the generator, for composing 64-bit ids. */
  uint32(): bigint {
    return BigInt(Math.floor(this.next() * 4294967296));
  }
}

/**
 * A BackupGatewayId as the API stores it: an int64. Large ones are above 2^53 and odd, so no JS number
 * can hold them exactly: a client that JSON.parses the body naively changes their last digits.
 */
function gatewayId(dice: Dice): string {
  if (dice.chance(0.5)) return String(dice.int(1_000_000_000_000, 9_999_999_999_999));
  // 62 random bits, lifted to at least 2^60: always a valid int64, never a safe integer.
  const bits = ((dice.uint32() << 32n) | dice.uint32() | 1n) & (2n ** 62n - 1n);
  const floor = 2n ** 60n;
  return String(bits < floor ? bits + floor : bits);
}

/** Log-uniform up to ~200 GB: most backup sets are small, a few are huge. */
function dataSize(dice: Dice): number {
  if (dice.chance(0.05)) return 0;
  return Math.min(MAX_DATA_SIZE, Math.floor(Math.exp(dice.between(Math.log(1024), Math.log(MAX_DATA_SIZE)))));
}

function taskName(dice: Dice, dbType: string, createdMs: number, index: number): string {
  const day = new Date(createdMs).toISOString().slice(0, 10);
  return dice.pick([
    `${dbType} full download ${day}`,
    `nightly-${dbType.toLowerCase()}-${index}`,
    `restore drill #${index}`,
    '每日备份下载',
    `migrate ${dbType} to self-hosted`,
    'test',
  ]);
}

function downloadUrls(dice: Dice, path: string, finishedMs: number): { internet: string; intranet: string } {
  const region = dice.pick(REGIONS);
  // "canary" markers make leaked URL signatures easy to spot in logs and tool output.
  const query =
    `Expires=${Math.floor(finishedMs / 1000) + 3 * 86400}` + `&OSSAccessKeyId=STS.canary${dice.base36(16)}` + `&Signature=canary${dice.base36(20)}%3D`;
  return {
    internet: `https://dbs-download-${region}.oss-${region}.aliyuncs.com/${path}?${query}`,
    intranet: `https://dbs-download-${region}.oss-${region}-internal.aliyuncs.com/${path}?${query}`,
  };
}

/**
 * Deterministic raw items for one backup plan, with the API's field names, a spread of statuses (every
 * documented one once count >= 14, plus mixed-case and unknown ones) and the optional fields sometimes missing.
 * Creation times fall back from startMs by about stepMs each, jittered so the list is only roughly newest first.
 */
export function makeTasks(options: TaskFixtureOptions): RawTask[] {
  const { planId, count } = options;
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const stepMs = options.stepMs ?? DEFAULT_STEP_MS;
  const dice = new Dice(fnv1a(planId) ^ Math.imul(options.seed ?? 1, 0x9e3779b1));
  const idSuffix = fnv1a(`task:${planId}`).toString(36).padStart(6, '0').slice(-6);

  const statuses = dice.shuffle(SHOWCASE_STATUSES.slice(0, count));
  while (statuses.length < count) statuses.push(dice.weighted(WEIGHTED_STATUSES));
  dice.shuffle(statuses);

  const tasks: RawTask[] = [];
  for (let i = 0; i < count; i++) {
    const status = statuses[i] as string;
    const statusKey = status.toLowerCase();
    const taskId = `dbstk${String(i + 1).padStart(4, '0')}${idSuffix}`;
    const createdMs = Math.round(startMs - i * stepMs + dice.between(-0.75, 0.75) * stepMs);
    const finishedMs = ENDED_STATUSES.has(statusKey) ? createdMs + dice.int(5 * 60_000, 6 * 3_600_000) : 0;
    // Picked even when given, so that the rest of the tasks stay the same.
    const picked = dice.pick(DB_TYPES);
    const dbType = options.dbType ?? picked;
    const format = dice.pick(DATA_FORMATS);
    const way = dice.chance(0.6) ? 'manual' : 'auto';
    const targetType = dice.chance(0.1) ? undefined : way === 'auto' || dice.chance(0.2) ? 'agent' : 'url';
    const jobType = dice.chance(0.12) ? undefined : dice.chance(0.6) ? 'cbs_backup_sub_full' : 'cbs_backup_sub_cont';
    const backupSetId = `dbsbs${dice.base36(10)}`;
    const backupSetCode =
      jobType === 'cbs_backup_sub_cont'
        ? `${dbType === 'MySQL' ? 'mysql-bin' : dbType.toLowerCase() + '-incr'}.${String(dice.int(1, 999_999)).padStart(6, '0')}`
        : backupSetId;
    const urls =
      statusKey === 'finish' && way === 'manual' ? downloadUrls(dice, `${planId}/${backupSetId}/${taskId}.${FILE_SUFFIX[format]}`, finishedMs) : undefined;

    // Keys in the API's (alphabetical) order; a missing field is absent, not undefined.
    const task: RawTask = {};
    if (targetType === 'agent' && !dice.chance(0.1)) task.BackupGatewayId = gatewayId(dice);
    task.BackupPlanId = planId;
    task.BackupSetCode = backupSetCode;
    task.BackupSetDataFormat = format;
    if (!dice.chance(0.1)) task.BackupSetDataSize = dataSize(dice);
    task.BackupSetDbType = dbType;
    task.BackupSetDownloadCreateTime = createdMs;
    task.BackupSetDownloadDir = targetType === 'agent' ? `/data/dbs-download/${planId}/${taskId}` : '';
    task.BackupSetDownloadFinishTime = finishedMs;
    if (urls) {
      task.BackupSetDownloadInternetUrl = urls.internet;
      task.BackupSetDownloadIntranetUrl = urls.intranet;
    } else if (dice.chance(0.5)) {
      task.BackupSetDownloadInternetUrl = '';
      task.BackupSetDownloadIntranetUrl = '';
    }
    task.BackupSetDownloadStatus = status;
    if (targetType) task.BackupSetDownloadTargetType = targetType;
    task.BackupSetDownloadTaskId = taskId;
    task.BackupSetDownloadTaskName = taskName(dice, dbType, createdMs, i + 1);
    task.BackupSetDownloadWay = way;
    task.BackupSetId = backupSetId;
    if (jobType) task.BackupSetJobType = jobType;
    task.ErrMessage = ERROR_STATUSES.has(statusKey) ? dice.pick(statusKey === 'init' ? PRECHECK_ERRORS : ERROR_MESSAGES) : '';
    tasks.push(task);
  }
  return tasks;
}

/** The data set behind `npm run demo`: one busy plan and one with no download tasks at all. */
export const DEMO_PLANS: Record<string, RawTask[]> = {
  dbs1demoplan01: makeTasks({ planId: 'dbs1demoplan01', count: 45, seed: 20261128, dbType: 'MySQL' }),
  dbs1emptyplan0: [],
};

export interface PlanFixtureOptions {
  /** The DBS region the plans live in. */
  region: string;
  count: number;
  /** Same region, count, seed and times always give the same plans. Default 1. */
  seed?: number;
  /** Creation time of the newest plan, ms epoch. */
  startMs?: number;
  /** Average gap between consecutive creation times, ms. Default 20 days. */
  stepMs?: number;
}

/** Every documented plan status first, then mostly running ones, as in a real account. */
const PLAN_STATUSES = ['wait', 'init', 'check_pass', 'running', 'pause', 'stop', 'locked'] as const;
const WEIGHTED_PLAN_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['running', 60],
  ['init', 8],
  ['check_pass', 5],
  ['wait', 6],
  ['pause', 8],
  ['stop', 8],
  ['locked', 3],
];
const PLAN_DB_TYPES = ['MySQL', 'MySQL', 'MySQL', 'PostgreSQL', 'SQLServer', 'MongoDB', 'Oracle', 'Redis'] as const;
const SOURCE_TYPES = ['rds', 'rds', 'rds', 'ecs', 'express', 'agent', 'dds', 'other'] as const;
const PLAN_NAMES = ['prod orders', 'billing replica', 'crm nightly', '订单库备份', 'analytics warehouse', 'legacy erp', 'test', 'shop | catalog'];
const PRECHECK_FAILURES = [
  'precheck failed: the account dbs_backup lacks the RELOAD and REPLICATION CLIENT privileges',
  'precheck failed: cannot connect to the source database: connection timed out',
  'precheck failed: binary logging is disabled on the source (log_bin=OFF)',
  // A precheck that quotes a signed link: the link's signature must never reach the model.
  'precheck failed: cannot write to https://dbs-check.oss-cn-hangzhou.aliyuncs.com/probe?OSSAccessKeyId=STS.canaryplan&Signature=canaryplansig%3D',
];
const PLAN_FAILURES = ['backup failed: the backup gateway has been offline for 3 days', 'backup failed: OSS bucket not found or access denied'];
const DAY_MS = 86_400_000;

function sourceInstanceId(dice: Dice, type: string): string | undefined {
  if (type === 'rds') return `rm-bp1${dice.base36(14)}`;
  if (type === 'ecs') return `i-bp1${dice.base36(14)}`;
  if (type === 'dds') return `dds-bp1${dice.base36(12)}`;
  return undefined;
}

/**
 * Deterministic raw DescribeBackupPlanList items with the API's field names: every documented status
 * once count >= 7, precheck errors on init plans, failures on stopped ones, 64-bit gateway ids, and the
 * optional fields sometimes missing. Creation times fall back from startMs by about stepMs each.
 */
export function makePlans(options: PlanFixtureOptions): RawTask[] {
  const { region, count } = options;
  const startMs = options.startMs ?? Date.UTC(2026, 4, 20, 8, 0, 0);
  const stepMs = options.stepMs ?? 20 * DAY_MS;
  const dice = new Dice(fnv1a(`plans:${region}`) ^ Math.imul(options.seed ?? 1, 0x9e3779b1));
  const statuses = dice.shuffle<string>([...PLAN_STATUSES].slice(0, count));
  while (statuses.length < count) statuses.push(dice.weighted(WEIGHTED_PLAN_STATUSES));
  dice.shuffle(statuses);

  const plans: RawTask[] = [];
  for (let i = 0; i < count; i++) {
    const status = statuses[i] as string;
    const planId = `dbs1${dice.base36(10)}`;
    const createdMs = Math.round(startMs - i * stepMs + dice.between(-0.4, 0.4) * stepMs);
    const dbType = dice.pick(PLAN_DB_TYPES);
    const sourceType = dice.pick(SOURCE_TYPES);
    const userOss = dice.chance(0.4);
    const autoDownload = dice.chance(0.35);
    const crossAccount = dice.chance(0.15);
    const ran = status === 'running' || status === 'pause' || status === 'stop';
    const port =
      dbType === 'PostgreSQL'
        ? 5432
        : dbType === 'SQLServer'
          ? 1433
          : dbType === 'MongoDB'
            ? 3717
            : dbType === 'Oracle'
              ? 1521
              : dbType === 'Redis'
                ? 6379
                : 3306;

    // Keys in the API's (alphabetical) order; a missing field is absent, not undefined.
    const plan: RawTask = {};
    plan.BackupGatewayId = sourceType === 'agent' || sourceType === 'ecs' ? gatewayId(dice) : 0;
    plan.BackupMethod = dice.pick(['logical', 'logical', 'physical', 'duplication']);
    if (!dice.chance(0.1)) plan.BackupObjects = JSON.stringify([{ DBName: dice.pick(['shop', 'orders', 'crm', 'erp']) }]);
    plan.BackupPeriod = dice.pick(['Monday,Wednesday,Friday', 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday', 'Sunday']);
    plan.BackupPlanCreateTime = createdMs;
    plan.BackupPlanId = planId;
    plan.BackupPlanName = `${dice.pick(PLAN_NAMES)}${dice.chance(0.5) ? ` ${i + 1}` : ''}`;
    plan.BackupPlanStatus = status;
    plan.BackupRetentionPeriod = dice.pick([7, 30, 365, 730]);
    plan.BackupSetDownloadDir = autoDownload ? `/data/dbs-download/${planId}` : '';
    plan.BackupSetDownloadFullDataFormat = autoDownload ? dice.pick(['csv', 'Native', 'SQL']) : '';
    plan.BackupSetDownloadGatewayId = autoDownload ? gatewayId(dice) : 0;
    plan.BackupSetDownloadIncrementDataFormat = autoDownload ? 'binlog' : '';
    if (autoDownload) plan.BackupSetDownloadTargetType = 'agent';
    plan.BackupStartTime = `${String(dice.int(0, 5)).padStart(2, '0')}:00`;
    plan.BackupStorageType = userOss ? '' : 'system';
    plan.BeginTimestampForRestore = ran ? createdMs + DAY_MS : 0;
    if (crossAccount) {
      plan.CrossAliyunId = String(dice.int(1_000_000_000_000_000, 1_999_999_999_999_999));
      plan.CrossRoleName = 'AliyunDBSCrossAccountRole';
    }
    plan.DatabaseType = dbType;
    plan.EnableBackupLog = dice.chance(0.6);
    plan.EndTimestampForRestore = ran ? createdMs + dice.int(2, 120) * DAY_MS : 0;
    plan.ErrMessage = status === 'init' ? dice.pick(PRECHECK_FAILURES) : status === 'stop' ? dice.pick(PLAN_FAILURES) : '';
    plan.InstanceClass = dice.pick(['micro', 'small', 'medium', 'large', 'xlarge']);
    plan.OSSBucketName = userOss ? `dbs-backup-${dice.base36(8)}` : '';
    plan.OSSBucketRegion = userOss ? region : '';
    plan.OpenBackupSetAutoDownload = autoDownload;
    plan.ResourceGroupId = `rg-acfm${dice.base36(10)}`;
    const instanceId = sourceInstanceId(dice, sourceType);
    if (status !== 'wait') {
      plan.SourceEndpointDatabaseName = dice.pick(['shop', 'orders', 'crm', 'erp']);
      if (instanceId) plan.SourceEndpointInstanceID = instanceId;
      plan.SourceEndpointInstanceType = sourceType;
      plan.SourceEndpointIpPort = `10.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}:${port}`;
      plan.SourceEndpointRegion = region;
      plan.SourceEndpointUserName = dice.pick(['dbs_backup', 'backup_ro', 'root']);
    }
    plans.push(plan);
  }
  return plans;
}

/**
 * The backup plans behind `npm run demo`, per region: the two demo plans of DEMO_PLANS (the busy one,
 * newest, with automatic download; the empty one, whose precheck failed) among generated ones.
 */
export const DEMO_BACKUP_PLANS: Record<string, RawTask[]> = {
  'cn-hangzhou': [
    {
      BackupGatewayId: 0,
      BackupMethod: 'logical',
      BackupObjects: '[{"DBName":"shop"}]',
      BackupPeriod: 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday',
      BackupPlanCreateTime: Date.UTC(2026, 5, 1, 9, 30, 0),
      BackupPlanId: 'dbs1demoplan01',
      BackupPlanName: 'shop production',
      BackupPlanStatus: 'running',
      BackupRetentionPeriod: 730,
      BackupSetDownloadDir: '/data/dbs-download/dbs1demoplan01',
      BackupSetDownloadFullDataFormat: 'csv',
      BackupSetDownloadGatewayId: '2305843009213693953',
      BackupSetDownloadIncrementDataFormat: 'binlog',
      BackupSetDownloadTargetType: 'agent',
      BackupStartTime: '02:00',
      BackupStorageType: '',
      BeginTimestampForRestore: Date.UTC(2026, 5, 2, 2, 0, 0),
      DatabaseType: 'MySQL',
      EnableBackupLog: true,
      EndTimestampForRestore: Date.UTC(2026, 10, 28, 5, 55, 0),
      ErrMessage: '',
      InstanceClass: 'medium',
      OSSBucketName: 'dbs-backup-shop-prod',
      OSSBucketRegion: 'cn-hangzhou',
      OpenBackupSetAutoDownload: true,
      ResourceGroupId: 'rg-acfmdemo0001',
      SourceEndpointDatabaseName: 'shop',
      SourceEndpointInstanceID: 'rm-bp1demo0shop0prod',
      SourceEndpointInstanceType: 'rds',
      SourceEndpointIpPort: '10.20.30.40:3306',
      SourceEndpointRegion: 'cn-hangzhou',
      SourceEndpointUserName: 'dbs_backup',
    },
    {
      BackupGatewayId: 0,
      BackupMethod: 'logical',
      BackupPlanCreateTime: Date.UTC(2026, 2, 10, 14, 0, 0),
      BackupPlanId: 'dbs1emptyplan0',
      BackupPlanName: 'reporting replica',
      BackupPlanStatus: 'init',
      BackupRetentionPeriod: 30,
      BackupStorageType: 'system',
      BeginTimestampForRestore: 0,
      DatabaseType: 'PostgreSQL',
      EndTimestampForRestore: 0,
      ErrMessage: 'precheck failed: the account backup_ro lacks the REPLICATION privilege on the source database',
      InstanceClass: 'small',
      OSSBucketName: '',
      OpenBackupSetAutoDownload: false,
      SourceEndpointInstanceID: 'pgm-bp1demo0report',
      SourceEndpointInstanceType: 'rds',
      SourceEndpointIpPort: '10.20.30.41:5432',
      SourceEndpointRegion: 'cn-hangzhou',
      SourceEndpointUserName: 'backup_ro',
    },
    ...makePlans({ region: 'cn-hangzhou', count: 10, seed: 20261203 }),
  ],
  'ap-southeast-1': makePlans({ region: 'ap-southeast-1', count: 3, seed: 20261203 }),
};

/** One plan of the account fixture: where it lives, what it is, and how many download tasks it has. */
interface AccountPlanSpec {
  region: string;
  planId: string;
  name: string;
  status: string;
  dbType: string;
  period: string;
  startTime: string;
  tasks: number;
}

const ACCOUNT_PLAN_SPECS: readonly AccountPlanSpec[] = [
  {
    region: 'cn-hangzhou',
    planId: 'dbs1acct0hz001',
    name: 'shop orders',
    status: 'running',
    dbType: 'MySQL',
    period: 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday',
    startTime: '02:00',
    tasks: 120,
  },
  {
    region: 'cn-hangzhou',
    planId: 'dbs1acct0hz002',
    name: 'billing replica',
    status: 'running',
    dbType: 'PostgreSQL',
    period: 'Monday,Thursday',
    startTime: '03:00',
    tasks: 90,
  },
  {
    region: 'cn-hangzhou',
    planId: 'dbs1acct0hz003',
    name: 'legacy erp',
    status: 'locked',
    dbType: 'SQLServer',
    period: 'Sunday',
    startTime: '01:00',
    tasks: 40,
  },
  {
    region: 'cn-shanghai',
    planId: 'dbs1acct0sh001',
    name: 'crm nightly',
    status: 'running',
    dbType: 'MySQL',
    period: 'Monday,Wednesday,Friday',
    startTime: '02:00',
    tasks: 85,
  },
  {
    region: 'cn-shanghai',
    planId: 'dbs1acct0sh002',
    name: '订单库备份',
    status: 'pause',
    dbType: 'MongoDB',
    period: 'Tuesday,Saturday',
    startTime: '04:00',
    tasks: 55,
  },
  {
    region: 'ap-southeast-1',
    planId: 'dbs1acct0sg001',
    name: 'analytics warehouse',
    status: 'running',
    dbType: 'MySQL',
    period: 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday',
    startTime: '05:00',
    tasks: 70,
  },
  {
    region: 'ap-southeast-1',
    planId: 'dbs1acct0sg002',
    name: 'shop | catalog',
    status: 'running',
    dbType: 'PostgreSQL',
    period: 'Wednesday',
    startTime: '00:00',
    tasks: 40,
  },
];

// Shared across plans on purpose: an account-wide summary groups failures by reason.
const ACCOUNT_DOWNLOAD_FAILURES = [
  'backup gateway offline: no heartbeat for 600s',
  'disk full on download target: 0 bytes left in /data/dbs',
  'OSS upload failed: RequestTimeTooSkewed',
  'source backup set expired before conversion',
];
const ACCOUNT_PRECHECK_FAILURES = [
  'precheck failed: backup gateway offline',
  'precheck failed: download directory /data/dbs is not writable',
  'precheck failed: backup set not found in storage',
];
const HOUR_MS = 3_600_000;
const ACCOUNT_SPAN_MS = 30 * DAY_MS;

export interface AccountFixture {
  /** The clock the fixture was made for; every time in it is within the 30 days before. */
  nowMs: number;
  /** The regions holding plans, in the order of `planIds`. */
  regions: string[];
  /** Per region, as SimulatorOptions.backupPlans takes them. */
  backupPlans: Record<string, RawTask[]>;
  /** Download tasks per plan id, newest first, as SimulatorOptions.plans takes them. */
  tasks: Record<string, RawTask[]>;
  planIds: string[];
  /** Raw BackupSetDownloadStatus -> number of tasks, over the whole account. */
  countsByStatus: Record<string, number>;
  /** Raw ErrMessage -> number of failed (init or stop) tasks, over the whole account. */
  countsByError: Record<string, number>;
  /** Sum of BackupSetDataSize over every task that has one. */
  totalDataSize: number;
}

/** The statuses of one plan's tasks, newest first: what is still going on is the newest. */
function accountStatuses(dice: Dice, spec: AccountPlanSpec): string[] {
  const live = spec.status === 'running' ? ['running', 'running', 'check_pass'] : spec.status === 'pause' ? ['pause', 'pause'] : [];
  const rest = Array.from({ length: spec.tasks - live.length }, () =>
    dice.weighted([
      ['finish', 84],
      ['stop', 9],
      ['init', 5],
      ['pause', 2],
    ]),
  );
  return [...live, ...rest];
}

function accountTimes(dice: Dice, status: string, createdMs: number, nowMs: number): number {
  if (status === 'finish') return Math.min(nowMs, createdMs + dice.int(5 * 60_000, 5 * HOUR_MS));
  if (status === 'stop') return Math.min(nowMs, createdMs + dice.int(2 * 60_000, 3 * HOUR_MS));
  return 0;
}

/** Tasks of one plan: makeTasks for their ids and fields, then statuses, reasons and times set for the account. */
function accountTasks(spec: AccountPlanSpec, index: number, nowMs: number, endMs: number): RawTask[] {
  const dice = new Dice(fnv1a(`account:${spec.planId}`));
  const statuses = accountStatuses(dice, spec);
  // Each plan fails for two of the shared reasons, so reasons recur across plans.
  const reasons = [ACCOUNT_DOWNLOAD_FAILURES[index % 4] as string, ACCOUNT_DOWNLOAD_FAILURES[(index + 1) % 4] as string];
  const span = endMs - (nowMs - ACCOUNT_SPAN_MS);
  return makeTasks({ planId: spec.planId, count: spec.tasks, seed: 30, dbType: spec.dbType }).map((task, i) => {
    const status = statuses[i] as string;
    const live = status === 'running' || status === 'check_pass';
    // Newest first, evenly spread with jitter; live tasks started within the last few hours.
    const createdMs = live ? endMs - dice.int(10 * 60_000, 4 * HOUR_MS) : Math.round(endMs - ((i + dice.between(0, 0.9)) / spec.tasks) * span);
    const out: RawTask = { ...task, BackupSetDownloadCreateTime: createdMs, BackupSetDownloadFinishTime: accountTimes(dice, status, createdMs, nowMs) };
    out.BackupSetDownloadStatus = status;
    out.ErrMessage = status === 'stop' ? dice.pick(reasons) : status === 'init' ? dice.pick(ACCOUNT_PRECHECK_FAILURES) : '';
    if (status !== 'finish' && typeof task.BackupSetDownloadInternetUrl === 'string' && task.BackupSetDownloadInternetUrl !== '') {
      out.BackupSetDownloadInternetUrl = '';
      out.BackupSetDownloadIntranetUrl = '';
    }
    return out;
  });
}

function accountPlan(spec: AccountPlanSpec, nowMs: number, lastTaskMs: number): RawTask {
  // Seven plans hold every status once: the running one has every field a running plan has.
  const base = makePlans({ region: spec.region, count: 7, seed: fnv1a(spec.planId), startMs: nowMs - 200 * DAY_MS }).find(
    (p) => p.BackupPlanStatus === 'running',
  );
  const plan: RawTask = {
    ...base,
    BackupPeriod: spec.period,
    BackupPlanId: spec.planId,
    BackupPlanName: spec.name,
    BackupPlanStatus: spec.status,
    BackupStartTime: spec.startTime,
    DatabaseType: spec.dbType,
    EndTimestampForRestore: lastTaskMs,
    ErrMessage: '',
  };
  if (spec.status === 'locked') {
    // Locked: the prepaid instance expired, and backups stopped with it.
    plan.InstanceChargeType = 'PREPAY';
    plan.InstanceExpiredTimestamp = lastTaskMs + DAY_MS;
  } else {
    plan.InstanceChargeType = 'POSTPAY';
  }
  // The API's (alphabetical) key order.
  return Object.fromEntries(Object.entries(plan).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const count = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

/**
 * A busy account: seven plans in three regions (one paused, one locked), about 500 download tasks over
 * the 30 days before `nowMs`, with failures whose reasons recur across plans. Same nowMs, same data;
 * nowMs is fixed by default, as for the other fixtures; pass Date.now() for tests that ask about "the last N days".
 */
export function makeAccount(options: { nowMs?: number } = {}): AccountFixture {
  const nowMs = options.nowMs ?? DEFAULT_START_MS;
  const fixture: AccountFixture = { nowMs, regions: [], backupPlans: {}, tasks: {}, planIds: [], countsByStatus: {}, countsByError: {}, totalDataSize: 0 };
  ACCOUNT_PLAN_SPECS.forEach((spec, index) => {
    // The locked plan's instance expired ten days ago: its tasks end there.
    const endMs = spec.status === 'locked' ? nowMs - 10 * DAY_MS : nowMs;
    const tasks = accountTasks(spec, index, nowMs, endMs);
    const lastTaskMs = Math.max(...tasks.map((t) => t.BackupSetDownloadCreateTime as number));
    if (!fixture.regions.includes(spec.region)) fixture.regions.push(spec.region);
    (fixture.backupPlans[spec.region] ??= []).push(accountPlan(spec, nowMs, lastTaskMs));
    fixture.tasks[spec.planId] = tasks;
    fixture.planIds.push(spec.planId);
    for (const task of tasks) {
      const status = task.BackupSetDownloadStatus as string;
      count(fixture.countsByStatus, status);
      if (status === 'init' || status === 'stop') count(fixture.countsByError, task.ErrMessage as string);
      if (typeof task.BackupSetDataSize === 'number') fixture.totalDataSize += task.BackupSetDataSize;
    }
  });
  return fixture;
}

/** The account fixture at its fixed clock. */
export const ACCOUNT = makeAccount();
