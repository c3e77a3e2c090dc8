/** Folds raw download tasks into the summary and the newest tasks the list tool returns. */
import type { DownloadTask, State } from '../shared/download-task.js';
import { newerFirst, newestFirst, type RawItem } from '../shared/raw.js';
import { normaliseTask } from '../shared/raw-task.js';
import type { ListInput, SortBy } from './args.js';
import { NONE, NO_ERROR_MESSAGE, type Summary } from './schema.js';
import type { TimeWindow } from './time-window.js';

/** Newest first by creation time; tasks without one last; ties broken by task id. */
export const compareNewestFirst = newestFirst<DownloadTask>(
  (t) => t.createdAt,
  (t) => t.taskId,
);

/** Newest first by finish time; unfinished tasks last, newest created first among them. */
export function compareFinishedFirst(a: DownloadTask, b: DownloadTask): number {
  return newerFirst(a.finishedAt, b.finishedAt) || compareNewestFirst(a, b);
}

/** Largest first by `value`; tasks without one last; then newest created first. */
function largestFirst(value: (task: DownloadTask) => number | null): (a: DownloadTask, b: DownloadTask) => number {
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return y - x;
    }
    return compareNewestFirst(a, b);
  };
}

const COMPARATORS: Record<SortBy, (a: DownloadTask, b: DownloadTask) => number> = {
  created: compareNewestFirst,
  finished: compareFinishedFirst,
  duration: largestFirst((t) => t.durationSeconds),
  size: largestFirst((t) => t.dataSizeBytes),
};

export function comparatorFor(sortBy: SortBy): (a: DownloadTask, b: DownloadTask) => number {
  return COMPARATORS[sortBy];
}

/** The summary before coverage, which only the caller that read the pages can tell. */
export type TaskCounts = Omit<Summary, 'coverage'>;

export const MAX_FAILED_IN_SUMMARY = 50;
export const MAX_IDS_PER_REASON = 20;

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

const NO_BOUNDS: TimeWindow = { after: null, before: null };

/** Whether `time` (ISO) lies in `window`; a task without the time falls outside any bounded window. */
function timeInWindow(time: string | null, window: TimeWindow): boolean {
  if (window.after === null && window.before === null) return true;
  if (time === null) return false;
  const ms = Date.parse(time);
  return (window.after === null || ms >= window.after) && (window.before === null || ms < window.before);
}

/** Tasks without a creation time fall outside any window: nothing says when they were made. */
export function inWindow(task: DownloadTask, window: TimeWindow): boolean {
  return timeInWindow(task.createdAt, window);
}

/** Which tasks a digest keeps and in what order: every filter of the list in one place, whatever reads the pages. */
export interface DigestOptions {
  states: readonly State[];
  /** Creation-time window. */
  window: TimeWindow;
  /** Finish-time window (none when absent): unfinished tasks fall outside it once it has a bound. */
  finishedWindow?: TimeWindow | undefined;
  sortBy: SortBy;
  limit: number;
  includeUrls: boolean;
}

export function digestOptionsOf(input: ListInput): DigestOptions {
  const { states, window, finishedWindow, sortBy, limit, includeUrls } = input;
  return { states, window, finishedWindow, sortBy, limit, includeUrls };
}

export function matchesFilters(task: DownloadTask, options: Pick<DigestOptions, 'states' | 'window' | 'finishedWindow'>): boolean {
  if (options.states.length > 0 && !options.states.includes(task.state)) return false;
  return timeInWindow(task.createdAt, options.window) && timeInWindow(task.finishedAt, options.finishedWindow ?? NO_BOUNDS);
}

/**
 * Folds pages of raw tasks, in page order, into the summary and the newest `limit` matching tasks,
 * holding only those rather than every task read: a 50-page read keeps a few hundred tasks, not 5,000.
 * A task id seen on an earlier page is skipped: pages shift while tasks are added.
 */
export class TaskDigest {
  private readonly seen = new Set<string>();
  private readonly counter: SummaryCounter;
  private readonly listed: NewestTasks;
  private fetched = 0;

  constructor(private readonly options: DigestOptions) {
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
      if (!matchesFilters(task, this.options)) continue;
      this.counter.add(task);
      this.listed.add(task);
    }
  }

  result(): { counts: TaskCounts; tasks: DownloadTask[] } {
    const tasks = this.listed.newestFirst();
    return { counts: this.counter.counts(this.fetched, tasks.length), tasks };
  }
}
