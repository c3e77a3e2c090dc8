import type { RawTask, SimCredential } from './simulator.js';

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
}

const DEFAULT_START_MS = Date.UTC(2026, 10, 28, 6, 0, 0);
const DEFAULT_STEP_MS = 3 * 60 * 60 * 1000;
const MAX_DATA_SIZE = 200 * 1024 ** 3;

const CANONICAL_STATUSES = [
  'init', 'checking', 'check_pass', 'schedule', 'running', 'pause', 'stop', 'finish', 'failed', 'warning', 'caught',
] as const;
// The API documents lower-case statuses, but mixed-case and undocumented ones have been seen: clients must cope.
const SHOWCASE_STATUSES = [...CANONICAL_STATUSES, 'Finish', 'FAILED', 'archived'];
const WEIGHTED_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['finish', 40], ['running', 10], ['failed', 8], ['init', 5], ['checking', 4], ['check_pass', 3], ['schedule', 5],
  ['pause', 3], ['stop', 4], ['warning', 4], ['caught', 3], ['Finish', 4], ['FAILED', 2], ['Running', 1],
];
const ENDED_STATUSES = new Set(['finish', 'failed', 'warning', 'stop', 'archived']);
// As the official SDK reference has it: init is a failed precheck (never started), stop a failed download.
const ERROR_STATUSES = new Set(['init', 'stop', 'failed', 'warning', 'caught']);

const DB_TYPES = ['MySQL', 'MySQL', 'PostgreSQL', 'SQLServer', 'MongoDB'] as const;
const DATA_FORMATS = ['Native', 'SQL', 'CSV', 'JSON'] as const;
const FILE_SUFFIX: Record<(typeof DATA_FORMATS)[number], string> = {
  Native: 'tar.gz', SQL: 'sql.gz', CSV: 'csv.tar.gz', JSON: 'json.tar.gz',
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
  const query = `Expires=${Math.floor(finishedMs / 1000) + 3 * 86400}`
    + `&OSSAccessKeyId=STS.canary${dice.base36(16)}`
    + `&Signature=canary${dice.base36(20)}%3D`;
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
    const dbType = dice.pick(DB_TYPES);
    const format = dice.pick(DATA_FORMATS);
    const way = dice.chance(0.6) ? 'manual' : 'auto';
    const targetType = dice.chance(0.1) ? undefined : way === 'auto' || dice.chance(0.2) ? 'agent' : 'url';
    const jobType = dice.chance(0.12) ? undefined : dice.chance(0.6) ? 'cbs_backup_sub_full' : 'cbs_backup_sub_cont';
    const backupSetId = `dbsbs${dice.base36(10)}`;
    const backupSetCode = jobType === 'cbs_backup_sub_cont'
      ? `${dbType === 'MySQL' ? 'mysql-bin' : dbType.toLowerCase() + '-incr'}.${String(dice.int(1, 999_999)).padStart(6, '0')}`
      : backupSetId;
    const urls = statusKey === 'finish' && way === 'manual'
      ? downloadUrls(dice, `${planId}/${backupSetId}/${taskId}.${FILE_SUFFIX[format]}`, finishedMs)
      : undefined;

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
  dbs1demoplan01: makeTasks({ planId: 'dbs1demoplan01', count: 45, seed: 20261128 }),
  dbs1emptyplan0: [],
};
