/** Pure functions from raw API tasks to the normalised, summarised shape the tool returns. */
import type { RawTask } from './dbs/page.js';
import { redactSecrets } from './redact.js';
import { isoTime } from './time.js';

export const STATES = ['pending', 'running', 'paused', 'stopped', 'succeeded', 'failed', 'unknown'] as const;
export type State = (typeof STATES)[number];

const STATE_OF_STATUS: Record<string, State> = {
  checking: 'pending',
  check_pass: 'pending',
  schedule: 'pending',
  running: 'running',
  pause: 'paused',
  finish: 'succeeded',
  init: 'failed',
  stop: 'failed',
  failed: 'failed',
  warning: 'failed',
  caught: 'failed',
};

const STATUS_MEANING: Record<string, string> = {
  init: 'precheck failed, not started',
  checking: 'precheck running',
  check_pass: 'precheck passed',
  schedule: 'scheduled',
  running: 'downloading',
  pause: 'paused',
  finish: 'finished',
  stop: 'the download task failed',
  failed: 'failed',
  warning: 'failed',
  caught: 'abnormal',
};

/** What a raw status means, per the official SDK reference and the seed document; null when unknown. */
export function statusMeaning(status: string | null): string | null {
  if (status === null) return null;
  return STATUS_MEANING[status.toLowerCase()] ?? null;
}

/** The API mixes cases ("Caught", "finish"): compare lower-cased. */
export function stateOf(status: string | null): State {
  if (status === null) return 'unknown';
  return STATE_OF_STATUS[status.toLowerCase()] ?? 'unknown';
}

export interface DownloadTask {
  taskId: string | null;
  taskName: string | null;
  backupPlanId: string | null;
  backupSetId: string | null;
  backupSetCode: string | null;
  dbType: string | null;
  dataFormat: string | null;
  dataSizeBytes: number | null;
  jobType: string | null;
  backupKind: 'full' | 'incremental' | null;
  downloadWay: string | null;
  targetType: string | null;
  gatewayId: string | null;
  downloadDir: string | null;
  status: string | null;
  state: State;
  createdAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  errorMessage: string | null;
  hasDownloadUrl: boolean;
  internetUrl?: string | null;
  intranetUrl?: string | null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return null;
}

function numeric(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Epoch milliseconds (0, "" or missing mean "not yet"); a value below 1e11 can only be seconds. */
function epochMs(value: unknown): number | null {
  const n = numeric(value);
  if (n === null || n <= 0) return null;
  // Truncated as Date does; past Date's range (8.64e15 ms) there is no time to show.
  const ms = Math.trunc(n < 1e11 ? n * 1000 : n);
  return ms <= 8.64e15 ? ms : null;
}

export function toIsoTime(value: unknown): string | null {
  const ms = epochMs(value);
  return ms === null ? null : isoTime(ms);
}

export function backupKindOf(jobType: string | null): DownloadTask['backupKind'] {
  if (jobType === null) return null;
  const lower = jobType.toLowerCase();
  if (lower === 'cbs_backup_sub_full' || lower.endsWith('_full') || lower === 'full') return 'full';
  if (lower === 'cbs_backup_sub_cont' || lower.endsWith('_cont') || lower.includes('incr')) return 'incremental';
  return null;
}

function gatewayIdOf(value: unknown): string | null {
  const id = text(value);
  return id !== null && /^-?\d+$/.test(id) && id !== '0' ? id : null;
}

export function normaliseTask(raw: RawTask, includeUrls: boolean): DownloadTask {
  const status = text(raw.BackupSetDownloadStatus);
  const createdMs = epochMs(raw.BackupSetDownloadCreateTime);
  const finishedMs = epochMs(raw.BackupSetDownloadFinishTime);
  const size = numeric(raw.BackupSetDataSize);
  const jobType = text(raw.BackupSetJobType);
  const internetUrl = text(raw.BackupSetDownloadInternetUrl);
  const intranetUrl = text(raw.BackupSetDownloadIntranetUrl);
  const error = text(raw.ErrMessage);
  let durationSeconds: number | null = null;
  if (createdMs !== null && finishedMs !== null) {
    const seconds = Math.round((finishedMs - createdMs) / 1000);
    durationSeconds = seconds >= 0 ? seconds : null;
  }
  const task: DownloadTask = {
    taskId: text(raw.BackupSetDownloadTaskId),
    taskName: text(raw.BackupSetDownloadTaskName),
    backupPlanId: text(raw.BackupPlanId),
    backupSetId: text(raw.BackupSetId),
    backupSetCode: text(raw.BackupSetCode),
    dbType: text(raw.BackupSetDbType),
    dataFormat: text(raw.BackupSetDataFormat),
    dataSizeBytes: size !== null && size >= 0 ? size : null,
    jobType,
    backupKind: backupKindOf(jobType),
    downloadWay: text(raw.BackupSetDownloadWay),
    targetType: text(raw.BackupSetDownloadTargetType),
    gatewayId: gatewayIdOf(raw.BackupGatewayId),
    downloadDir: text(raw.BackupSetDownloadDir),
    status,
    state: stateOf(status),
    createdAt: createdMs === null ? null : isoTime(createdMs),
    finishedAt: finishedMs === null ? null : isoTime(finishedMs),
    durationSeconds,
    // Error text is the service's; it must not carry a signed URL into the model's context.
    errorMessage: error === null ? null : redactSecrets(error),
    hasDownloadUrl: internetUrl !== null || intranetUrl !== null,
  };
  if (includeUrls) {
    task.internetUrl = internetUrl;
    task.intranetUrl = intranetUrl;
  }
  return task;
}

/** Newest first; tasks without a creation time last; ties broken by task id. */
export function compareNewestFirst(a: DownloadTask, b: DownloadTask): number {
  if (a.createdAt !== b.createdAt) {
    if (a.createdAt === null) return 1;
    if (b.createdAt === null) return -1;
    return a.createdAt < b.createdAt ? 1 : -1;
  }
  return (a.taskId ?? '').localeCompare(b.taskId ?? '');
}

export interface FailedTask {
  taskId: string | null;
  taskName: string | null;
  status: string | null;
  errorMessage: string | null;
}

export interface Summary {
  fetched: number;
  matched: number;
  listed: number;
  byState: Record<State, number>;
  byStatus: Record<string, number>;
  totalDataSizeBytes: number;
  newestCreatedAt: string | null;
  oldestCreatedAt: string | null;
  failedTasks: FailedTask[];
}

export const MAX_FAILED_IN_SUMMARY = 50;

export function emptyStateCounts(): Record<State, number> {
  return { pending: 0, running: 0, paused: 0, stopped: 0, succeeded: 0, failed: 0, unknown: 0 };
}

/** Keeps the `size` newest of the tasks it is given, in any order, with little more than `size` held at once. */
class NewestTasks {
  private items: DownloadTask[] = [];
  constructor(private readonly size: number) {}

  add(task: DownloadTask): void {
    this.items.push(task);
    // Sorting a batch at a time: n log(size) overall, and the stable sort keeps arrival order among equals.
    if (this.items.length >= 2 * this.size + 64) this.trim();
  }

  newestFirst(): DownloadTask[] {
    this.trim();
    return this.items;
  }

  private trim(): void {
    this.items.sort(compareNewestFirst);
    if (this.items.length > this.size) this.items.length = this.size;
  }
}

/** Counts over matched tasks, fed one at a time in any order. */
class SummaryCounter {
  private readonly byState = emptyStateCounts();
  private readonly byStatus: Record<string, number> = {};
  private readonly failed = new NewestTasks(MAX_FAILED_IN_SUMMARY);
  private matched = 0;
  private totalDataSizeBytes = 0;
  private newest: string | null = null;
  private oldest: string | null = null;

  add(task: DownloadTask): void {
    this.matched += 1;
    this.byState[task.state] += 1;
    const status = task.status ?? '(none)';
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.totalDataSizeBytes += task.dataSizeBytes ?? 0;
    if (task.createdAt !== null) {
      if (this.newest === null || task.createdAt > this.newest) this.newest = task.createdAt;
      if (this.oldest === null || task.createdAt < this.oldest) this.oldest = task.createdAt;
    }
    if (task.state === 'failed') this.failed.add(task);
  }

  summary(fetched: number, listed: number): Summary {
    return {
      fetched,
      matched: this.matched,
      listed,
      byState: this.byState,
      byStatus: this.byStatus,
      totalDataSizeBytes: this.totalDataSizeBytes,
      newestCreatedAt: this.newest,
      oldestCreatedAt: this.oldest,
      failedTasks: this.failed.newestFirst().map((t) => ({ taskId: t.taskId, taskName: t.taskName, status: t.status, errorMessage: t.errorMessage })),
    };
  }
}

/** Counts cover every matched task, not only the listed ones; failedTasks are the newest failed ones. */
export function summariseTasks(fetched: number, matched: readonly DownloadTask[], listed: number): Summary {
  const counter = new SummaryCounter();
  for (const task of matched) counter.add(task);
  return counter.summary(fetched, listed);
}

export interface DigestOptions {
  states: readonly State[];
  limit: number;
  includeUrls: boolean;
}

/**
 * Folds pages of raw tasks, in page order, into the summary and the newest `limit` matching tasks,
 * holding only those rather than every task read: a 50-page read keeps a few hundred tasks, not 5,000.
 * A task id seen on an earlier page is skipped: pages shift while tasks are added.
 */
export class TaskDigest {
  private readonly seen = new Set<string>();
  private readonly wanted: ReadonlySet<State>;
  private readonly counter = new SummaryCounter();
  private readonly listed: NewestTasks;
  private fetched = 0;

  constructor(private readonly options: DigestOptions) {
    this.wanted = new Set(options.states);
    this.listed = new NewestTasks(options.limit);
  }

  add(page: readonly RawTask[]): void {
    for (const raw of page) {
      const task = normaliseTask(raw, this.options.includeUrls);
      if (task.taskId !== null) {
        if (this.seen.has(task.taskId)) continue;
        this.seen.add(task.taskId);
      }
      this.fetched += 1;
      if (this.wanted.size > 0 && !this.wanted.has(task.state)) continue;
      this.counter.add(task);
      this.listed.add(task);
    }
  }

  result(): { summary: Summary; tasks: DownloadTask[] } {
    const tasks = this.listed.newestFirst();
    return { summary: this.counter.summary(this.fetched, tasks.length), tasks };
  }
}
