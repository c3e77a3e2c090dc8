/** Pure functions from raw API tasks to the normalised, summarised shape the tool returns. */
import type { RawItem } from './dbs/page.js';
import { redactSecrets } from './redact.js';
import { isoTime } from './time.js';

export const STATES = ['pending', 'running', 'paused', 'succeeded', 'failed', 'unknown'] as const;
export type State = (typeof STATES)[number];

/**
 * The official SDK reference (dbs-20190306) defines `init` as "not started: the precheck failed" and
 * `stop` as "the download task failed"; the older API document calls `warning` failed and `Caught` abnormal.
 */
const STATUS_TABLE: Record<string, { state: State; meaning: string }> = {
  checking: { state: 'pending', meaning: 'precheck running' },
  check_pass: { state: 'pending', meaning: 'precheck passed, not started yet' },
  schedule: { state: 'pending', meaning: 'scheduled, waiting to start' },
  running: { state: 'running', meaning: 'downloading' },
  pause: { state: 'paused', meaning: 'paused' },
  finish: { state: 'succeeded', meaning: 'finished' },
  init: { state: 'failed', meaning: 'precheck failed, not started' },
  stop: { state: 'failed', meaning: 'download task failed' },
  failed: { state: 'failed', meaning: 'failed' },
  warning: { state: 'failed', meaning: 'failed, reported as warning' },
  caught: { state: 'failed', meaning: 'abnormal, counted as failed' },
};

/** Raw statuses that count as failed, for the tool description. */
export const FAILED_STATUSES = Object.keys(STATUS_TABLE).filter((status) => STATUS_TABLE[status]!.state === 'failed');

/** The API mixes cases ("Caught", "finish"): compare lower-cased. */
export function stateOf(status: string | null): State {
  if (status === null) return 'unknown';
  return STATUS_TABLE[status.toLowerCase()]?.state ?? 'unknown';
}

/** What a raw status means, in words; null for a status the API does not document. */
export function statusMeaning(status: string | null): string | null {
  if (status === null) return null;
  return STATUS_TABLE[status.toLowerCase()]?.meaning ?? null;
}

// Statuses whose name already says what the state says: shown beside it without a meaning.
const SELF_EVIDENT = new Set(['finish', 'pause']);

/**
 * The state as the text shows it: with the raw status beside it wherever the two differ, and its
 * meaning where that adds something: `failed (init: precheck failed, not started)`, `succeeded (finish)`.
 */
export function stateLabel(state: State, status: string | null): string {
  if (status === null) return state;
  const lower = status.toLowerCase();
  if (lower === state) return state;
  if (SELF_EVIDENT.has(lower)) return `${state} (${status})`;
  return `${state} (${status}: ${statusMeaning(status) ?? 'not a documented status'})`;
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

export function normaliseTask(raw: RawItem, includeUrls: boolean): DownloadTask {
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

export type SortBy = 'created' | 'finished';

function newerFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  // ISO times of one length compare as text; a year past 9999 takes the longer, signed form.
  if (a.length === b.length) return a < b ? 1 : -1;
  return Date.parse(a) < Date.parse(b) ? 1 : -1;
}

/** Newest first by creation time; tasks without one last; ties broken by task id. */
export function compareNewestFirst(a: DownloadTask, b: DownloadTask): number {
  return newerFirst(a.createdAt, b.createdAt) || (a.taskId ?? '').localeCompare(b.taskId ?? '');
}

/** Newest first by finish time; unfinished tasks last, newest created first among them. */
export function compareFinishedFirst(a: DownloadTask, b: DownloadTask): number {
  return newerFirst(a.finishedAt, b.finishedAt) || compareNewestFirst(a, b);
}

export function comparatorFor(sortBy: SortBy): (a: DownloadTask, b: DownloadTask) => number {
  return sortBy === 'finished' ? compareFinishedFirst : compareNewestFirst;
}

export interface FailedTask {
  taskId: string | null;
  taskName: string | null;
  status: string | null;
  errorMessage: string | null;
}

export interface FailureReason {
  /** The exact error message, or "no error message". */
  reason: string;
  count: number;
  /** At most MAX_IDS_PER_REASON, newest first. */
  taskIds: string[];
}

export interface Coverage {
  /** True when every task of the plan was read: from page 0 to the last page. */
  complete: boolean;
  tasksRead: number;
  totalElements: number | null;
}

export interface Summary {
  fetched: number;
  matched: number;
  listed: number;
  byState: Record<State, number>;
  dataSizeBytesByState: Record<State, number>;
  byDbType: Record<string, number>;
  failureReasons: FailureReason[];
  coverage: Coverage;
  byStatus: Record<string, number>;
  totalDataSizeBytes: number;
  newestCreatedAt: string | null;
  oldestCreatedAt: string | null;
  failedTasks: FailedTask[];
}

/** The summary before coverage, which only the caller that read the pages can tell. */
export type TaskCounts = Omit<Summary, 'coverage'>;

export const MAX_FAILED_IN_SUMMARY = 50;
export const MAX_IDS_PER_REASON = 20;
export const NO_ERROR_MESSAGE = 'no error message';
/** The key a missing raw status or database type is counted under. */
export const NONE = '(none)';

export function emptyStateCounts(): Record<State, number> {
  return { pending: 0, running: 0, paused: 0, succeeded: 0, failed: 0, unknown: 0 };
}

/** Keeps the `size` first tasks in `order` of those it is given, in any order, with little more than `size` held at once. */
class NewestTasks {
  private items: DownloadTask[] = [];
  constructor(
    private readonly size: number,
    private readonly order: (a: DownloadTask, b: DownloadTask) => number,
  ) {}

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
    this.items.sort(this.order);
    if (this.items.length > this.size) this.items.length = this.size;
  }
}

/** Counts over matched tasks, fed one at a time in any order. */
class SummaryCounter {
  private readonly byState = emptyStateCounts();
  private readonly dataSizeBytesByState = emptyStateCounts();
  private readonly byStatus: Record<string, number> = {};
  private readonly byDbType: Record<string, number> = {};
  private readonly reasons = new Map<string, { count: number; tasks: NewestTasks }>();
  private readonly failed: NewestTasks;
  private matched = 0;
  private totalDataSizeBytes = 0;
  private newest: string | null = null;
  private oldest: string | null = null;

  constructor(private readonly order: (a: DownloadTask, b: DownloadTask) => number) {
    this.failed = new NewestTasks(MAX_FAILED_IN_SUMMARY, order);
  }

  add(task: DownloadTask): void {
    this.matched += 1;
    this.byState[task.state] += 1;
    this.dataSizeBytesByState[task.state] += task.dataSizeBytes ?? 0;
    const status = task.status ?? NONE;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    const dbType = task.dbType ?? NONE;
    this.byDbType[dbType] = (this.byDbType[dbType] ?? 0) + 1;
    this.totalDataSizeBytes += task.dataSizeBytes ?? 0;
    if (task.createdAt !== null) {
      if (this.newest === null || newerFirst(task.createdAt, this.newest) < 0) this.newest = task.createdAt;
      if (this.oldest === null || newerFirst(task.createdAt, this.oldest) > 0) this.oldest = task.createdAt;
    }
    if (task.state === 'failed') {
      this.failed.add(task);
      const reason = task.errorMessage ?? NO_ERROR_MESSAGE;
      let group = this.reasons.get(reason);
      if (group === undefined) this.reasons.set(reason, (group = { count: 0, tasks: new NewestTasks(MAX_IDS_PER_REASON, this.order) }));
      group.count += 1;
      group.tasks.add(task);
    }
  }

  counts(fetched: number, listed: number): TaskCounts {
    const failureReasons = [...this.reasons].map(([reason, group]) => ({
      reason,
      count: group.count,
      taskIds: group.tasks.newestFirst().map((t) => t.taskId ?? NONE),
    }));
    failureReasons.sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    return {
      fetched,
      matched: this.matched,
      listed,
      byState: this.byState,
      dataSizeBytesByState: this.dataSizeBytesByState,
      byDbType: this.byDbType,
      failureReasons,
      byStatus: this.byStatus,
      totalDataSizeBytes: this.totalDataSizeBytes,
      newestCreatedAt: this.newest,
      oldestCreatedAt: this.oldest,
      failedTasks: this.failed.newestFirst().map((t) => ({ taskId: t.taskId, taskName: t.taskName, status: t.status, errorMessage: t.errorMessage })),
    };
  }
}

/** Counts cover every matched task, not only the listed ones; failedTasks are the newest failed ones. */
export function summariseTasks(fetched: number, matched: readonly DownloadTask[], listed: number, sortBy: SortBy = 'created'): TaskCounts {
  const counter = new SummaryCounter(comparatorFor(sortBy));
  for (const task of matched) counter.add(task);
  return counter.counts(fetched, listed);
}

/** A creation-time window in epoch ms: `after` inclusive, `before` exclusive; null for no bound. */
export interface TimeWindow {
  after: number | null;
  before: number | null;
}

/** Tasks without a creation time fall outside any window: nothing says when they were made. */
export function inWindow(task: DownloadTask, window: TimeWindow): boolean {
  if (window.after === null && window.before === null) return true;
  if (task.createdAt === null) return false;
  const created = Date.parse(task.createdAt);
  return (window.after === null || created >= window.after) && (window.before === null || created < window.before);
}

export interface DigestOptions {
  states: readonly State[];
  window: TimeWindow;
  sortBy: SortBy;
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
  private readonly counter: SummaryCounter;
  private readonly listed: NewestTasks;
  private fetched = 0;

  constructor(private readonly options: DigestOptions) {
    this.wanted = new Set(options.states);
    this.counter = new SummaryCounter(comparatorFor(options.sortBy));
    this.listed = new NewestTasks(options.limit, comparatorFor(options.sortBy));
  }

  add(page: readonly RawItem[]): void {
    for (const raw of page) {
      const task = normaliseTask(raw, this.options.includeUrls);
      if (task.taskId !== null) {
        if (this.seen.has(task.taskId)) continue;
        this.seen.add(task.taskId);
      }
      this.fetched += 1;
      if (this.wanted.size > 0 && !this.wanted.has(task.state)) continue;
      if (!inWindow(task, this.options.window)) continue;
      this.counter.add(task);
      this.listed.add(task);
    }
  }

  result(): { counts: TaskCounts; tasks: DownloadTask[] } {
    const tasks = this.listed.newestFirst();
    return { counts: this.counter.counts(this.fetched, tasks.length), tasks };
  }
}
