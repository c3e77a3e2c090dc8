/** Fetches the requested pages of download tasks and turns them into the tool's result. */
import type { Config } from './config.js';
import type { DbsClient, PageResult, RetryNotice } from './dbs/client.js';
import { resolveEndpoint } from './dbs/endpoint.js';
import { DbsError } from './dbs/errors.js';
import { TaskDigest, type DownloadTask, type SortBy, type State, type Summary, type TimeWindow } from './tasks.js';

export interface ListInput {
  backupPlanId?: string | undefined;
  backupSetDownloadTaskId?: string | undefined;
  pageSize: 30 | 50 | 100;
  pageNum: number;
  allPages: boolean;
  maxPages: number;
  states: State[];
  /** Creation-time window, already resolved to instants. */
  window: TimeWindow;
  sortBy: SortBy;
  limit: number;
  includeUrls: boolean;
  regionId?: string | undefined;
  clientToken?: string | undefined;
}

export interface PageInfo {
  pageNum: number;
  pageSize: number;
  pagesFetched: number;
  totalPages: number | null;
  totalElements: number | null;
  hasMore: boolean;
  nextPageNum: number | null;
}

export interface ListResult {
  request: { regionId: string; endpoint: string; requestIds: string[] };
  page: PageInfo;
  summary: Summary;
  tasks: DownloadTask[];
  /** Partial results and list changes, in words; empty when all went to plan. */
  warnings: string[];
  /** Arguments that continue where this result stops; null when nothing is left. */
  nextArguments: Record<string, unknown> | null;
}

export interface ListDeps {
  client: DbsClient;
  config: Config;
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number, message: string) => void) | undefined;
  onRetry?: ((notice: RetryNotice, pageNum: number) => void) | undefined;
}

/** What is kept of a page once its tasks are in the digest. */
interface PageFacts {
  requestId: string | null;
  totalPages: number | null;
  totalElements: number | null;
  itemCount: number;
}

const factsOf = (page: PageResult): PageFacts => ({
  requestId: page.requestId,
  totalPages: page.totalPages,
  totalElements: page.totalElements,
  itemCount: page.items.length,
});

function lastPageOf(page: PageFacts, pageSize: number, pageNum: number): number {
  if (page.totalPages !== null) return page.totalPages - 1;
  if (page.totalElements !== null) return Math.ceil(page.totalElements / pageSize) - 1;
  // No totals at all: a full page suggests one more.
  return page.itemCount >= pageSize ? pageNum + 1 : pageNum;
}

export async function listDownloadTasks(input: ListInput, deps: ListDeps): Promise<ListResult> {
  const { client, config, signal } = deps;
  const regionId = input.regionId || config.regionId;
  const endpoint = resolveEndpoint(regionId, config.endpointOverride);
  const base = {
    backupPlanId: input.backupPlanId || undefined,
    backupSetDownloadTaskId: input.backupSetDownloadTaskId || undefined,
    pageSize: input.pageSize,
  };
  const fetchPage = (pageNum: number, clientToken?: string): Promise<PageResult> =>
    client.describePage(endpoint, { ...base, pageNum, clientToken }, { signal, onRetry: (notice) => deps.onRetry?.(notice, pageNum) });

  // Pages are folded into the digest in page order as soon as every page before them is in, so a
  // page's raw tasks are dropped while later pages are still on their way.
  const digest = new TaskDigest({ states: input.states, window: input.window, sortBy: input.sortBy, limit: input.limit, includeUrls: input.includeUrls });
  const folded: PageFacts[] = [];
  const arrived = new Map<number, PageResult>();
  let nextPage = input.pageNum;
  const arrive = (pageNum: number, page: PageResult): void => {
    arrived.set(pageNum, page);
    for (let next = arrived.get(nextPage); next !== undefined; next = arrived.get(nextPage)) {
      arrived.delete(nextPage);
      digest.add(next.items);
      folded.push(factsOf(next));
      nextPage += 1;
    }
  };

  // ClientToken makes one request idempotent: it goes with the first page only.
  arrive(input.pageNum, await fetchPage(input.pageNum, input.clientToken || undefined).catch((error: unknown) => {
    throw planNotFound(error, input, regionId, endpoint.host);
  }));
  const first = folded[0]!;
  // Pages beyond the first are planned from the totals it gave; a later page that reports more
  // (tasks were added while reading) extends the plan, within maxPages.
  const cap = input.allPages ? input.pageNum + input.maxPages - 1 : input.pageNum;
  let lastPage = lastPageOf(first, input.pageSize, input.pageNum);
  const queue: number[] = [];
  let queued = input.pageNum;
  const planMore = (): void => {
    for (const end = Math.min(lastPage, cap); queued < end; ) queue.push((queued += 1));
  };
  const planned = (): number => Math.max(1, Math.min(lastPage, cap) - input.pageNum + 1);
  planMore();
  let done = 1;
  deps.onProgress?.(done, planned(), `page ${input.pageNum} fetched`);

  const take = async (p: number): Promise<void> => {
    const page = await fetchPage(p);
    lastPage = Math.max(lastPage, lastPageOf(factsOf(page), input.pageSize, p));
    arrive(p, page);
    planMore();
    done += 1;
    deps.onProgress?.(done, planned(), `page ${p} fetched`);
  };
  const failures: { pageNum: number; error: DbsError }[] = [];
  const worker = async (): Promise<void> => {
    for (let p = queue.shift(); p !== undefined && failures.length === 0; p = queue.shift()) {
      try {
        await take(p);
      } catch (error) {
        if (!(error instanceof DbsError) || error.code === 'Cancelled') throw error;
        // No new pages after a failure: the result is a contiguous run of pages.
        failures.push({ pageNum: p, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, queue.length) }, worker));
  // Pages that came in after a failed one are past the gap: the result stops at the gap.
  arrived.clear();

  const latest = folded[folded.length - 1]!;
  const hasMore = nextPage <= lastPageOf(latest, input.pageSize, nextPage - 1);

  const warnings: string[] = [];
  const failed = failures.find((f) => f.pageNum === nextPage);
  if (failed !== undefined) {
    const { error } = failed;
    const attempts = error.attempts && error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
    warnings.push(`page ${failed.pageNum} failed${attempts} (${error.code}: ${error.message}); this result covers pages ${input.pageNum} to ${nextPage - 1} only`);
  }
  const totals = new Set(folded.map((p) => p.totalElements).filter((t) => t !== null));
  if (totals.size > 1) {
    warnings.push(`the task list changed while it was read (totals ${[...totals].join(' -> ')}): duplicates were removed, a task may have been missed`);
  }

  const { counts, tasks } = digest.result();
  const totalElements = latest.totalElements ?? first.totalElements;
  const summary: Summary = {
    ...counts,
    coverage: { complete: input.pageNum === 0 && !hasMore, tasksRead: counts.fetched, totalElements },
  };
  return {
    request: {
      regionId,
      endpoint: endpoint.host,
      requestIds: folded.map((p) => p.requestId).filter((id): id is string => id !== null),
    },
    page: {
      pageNum: input.pageNum,
      pageSize: input.pageSize,
      pagesFetched: folded.length,
      totalPages: latest.totalPages ?? first.totalPages,
      totalElements,
      hasMore,
      nextPageNum: hasMore ? nextPage : null,
    },
    summary,
    tasks,
    warnings,
    nextArguments: hasMore ? nextArgumentsOf(input, nextPage) : null,
  };
}

/**
 * The API answers an unknown plan with a parameter error that names neither the plan nor the region;
 * a plan lives in one region, so the region it was looked up in is the first thing to check.
 */
function planNotFound(error: unknown, input: ListInput, regionId: string, host: string): unknown {
  if (!(error instanceof DbsError) || !input.backupPlanId) return error;
  if (error.code !== 'Param.NotFound' && !/BackupPlanId/i.test(error.code)) return error;
  const message = `backup plan ${input.backupPlanId} was not found in region ${regionId} (endpoint ${host}): ${error.message}`;
  const wrapped = new DbsError(error.code, message, { httpStatus: error.httpStatus, requestId: error.requestId, retryable: false, authAction: error.authAction });
  wrapped.attempts = error.attempts;
  return wrapped;
}

/** The arguments every follow-up call repeats: what to read and how to filter it, never the client token. */
function filterArguments(input: ListInput): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (input.backupPlanId) args.backupPlanId = input.backupPlanId;
  if (input.backupSetDownloadTaskId) args.backupSetDownloadTaskId = input.backupSetDownloadTaskId;
  if (input.regionId) args.regionId = input.regionId;
  return args;
}

/** Filters as resolved instants: an age such as "7d" would mean a later window in a later call. */
function selectionArguments(input: ListInput, args: Record<string, unknown>): Record<string, unknown> {
  if (input.states.length > 0) args.states = input.states;
  if (input.window.after !== null) args.createdAfter = new Date(input.window.after).toISOString();
  if (input.window.before !== null) args.createdBefore = new Date(input.window.before).toISOString();
  if (input.sortBy !== 'created') args.sortBy = input.sortBy;
  if (input.limit !== 100) args.limit = input.limit;
  if (input.includeUrls) args.includeUrls = true;
  return args;
}

/** The exact arguments of the call that continues: same filters, next page, never the client token. */
export function nextArgumentsOf(input: ListInput, pageNum: number): Record<string, unknown> {
  const args = filterArguments(input);
  args.pageSize = input.pageSize;
  args.pageNum = pageNum;
  if (input.allPages) {
    args.allPages = true;
    args.maxPages = input.maxPages;
  }
  return selectionArguments(input, args);
}

export const MAX_PAGES = 100;
const WHOLE_PLAN_PAGE_SIZE = 100;

/**
 * The arguments of one call that reads the whole plan from page 0 with the same filters, or null when
 * the plan is too large for one call (more than MAX_PAGES pages of 100).
 */
export function wholePlanArgumentsOf(input: ListInput, totalElements: number | null): Record<string, unknown> | null {
  if (totalElements === null) return null;
  const pages = Math.max(1, Math.ceil(totalElements / WHOLE_PLAN_PAGE_SIZE));
  if (pages > MAX_PAGES) return null;
  const args = filterArguments(input);
  args.allPages = true;
  // pageSize 100 and maxPages 50 are the defaults with allPages.
  if (pages > 50) args.maxPages = pages;
  return selectionArguments(input, args);
}
