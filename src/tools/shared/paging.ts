/** Reads a run of pages of a DBS list operation: the first, then the rest concurrently, folded in page order. */
import type { Config } from '../../config.js';
import type { RawPage } from '../../dbs/page.js';
import { resolveEndpoint, type Endpoint } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import type { RawItem } from './raw.js';
import type { PageInfo, RequestInfo } from './schema.js';

export type { PageInfo } from './schema.js';

export interface PagingOptions {
  /** Zero-based first page. */
  pageNum: number;
  pageSize: number;
  /** False: the first page only. */
  allPages: boolean;
  maxPages: number;
  concurrency: number;
  /** What the items are called in warnings: "task", "plan". */
  noun: string;
  fetchPage: (pageNum: number) => Promise<RawPage>;
  /** Called with each page's items in page order, never twice for a page. */
  fold: (items: RawItem[]) => void;
  onProgress?: ((done: number, total: number, message: string) => void) | undefined;
}

export interface PagesRead {
  page: PageInfo;
  requestIds: string[];
  /** A failed page or a list that changed while read, in words; empty when all went to plan. */
  warnings: string[];
}

/** What is kept of a page once its items are folded. */
interface PageFacts {
  requestId: string | null;
  totalPages: number | null;
  totalElements: number | null;
  itemCount: number;
}

const factsOf = (page: RawPage): PageFacts => ({
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

/**
 * Fails only when the first page fails (or the call is cancelled). A later page that fails after its
 * retries ends the run there: the result covers the pages before it, with a warning and hasMore.
 */
export async function readPages(options: PagingOptions): Promise<PagesRead> {
  const { pageNum: firstPage, pageSize, fetchPage } = options;
  // Pages are folded in page order as soon as every page before them is in, so a page's raw items
  // are dropped while later pages are still on their way.
  const folded: PageFacts[] = [];
  const arrived = new Map<number, RawPage>();
  let nextPage = firstPage;
  const arrive = (pageNum: number, page: RawPage): void => {
    arrived.set(pageNum, page);
    for (let next = arrived.get(nextPage); next !== undefined; next = arrived.get(nextPage)) {
      arrived.delete(nextPage);
      options.fold(next.items);
      folded.push(factsOf(next));
      nextPage += 1;
    }
  };

  arrive(firstPage, await fetchPage(firstPage));
  const first = folded[0]!;
  // Pages beyond the first are planned from the totals it gave; a later page that reports more
  // (items were added while reading) extends the plan, within maxPages.
  const cap = options.allPages ? firstPage + options.maxPages - 1 : firstPage;
  let lastPage = lastPageOf(first, pageSize, firstPage);
  const queue: number[] = [];
  let queued = firstPage;
  const planMore = (): void => {
    for (const end = Math.min(lastPage, cap); queued < end;) queue.push((queued += 1));
  };
  const planned = (): number => Math.max(1, Math.min(lastPage, cap) - firstPage + 1);
  planMore();
  let done = 1;
  options.onProgress?.(done, planned(), `page ${firstPage} fetched`);

  const take = async (p: number): Promise<void> => {
    const page = await fetchPage(p);
    lastPage = Math.max(lastPage, lastPageOf(factsOf(page), pageSize, p));
    arrive(p, page);
    planMore();
    done += 1;
    options.onProgress?.(done, planned(), `page ${p} fetched`);
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
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  // Pages that came in after a failed one are past the gap: the result stops at the gap.
  arrived.clear();

  const latest = folded[folded.length - 1]!;
  const hasMore = nextPage <= lastPageOf(latest, pageSize, nextPage - 1);

  return {
    page: {
      pageNum: firstPage,
      pageSize,
      pagesFetched: folded.length,
      totalPages: latest.totalPages ?? first.totalPages,
      totalElements: latest.totalElements ?? first.totalElements,
      hasMore,
      nextPageNum: hasMore ? nextPage : null,
    },
    requestIds: folded.map((p) => p.requestId).filter((id): id is string => id !== null),
    warnings: pageWarnings(
      folded,
      failures.find((f) => f.pageNum === nextPage),
      firstPage,
      options.noun,
    ),
  };
}

/** A failed page that cut the run short, and a list that changed while it was read. */
function pageWarnings(folded: PageFacts[], failed: { pageNum: number; error: DbsError } | undefined, firstPage: number, noun: string): string[] {
  const warnings: string[] = [];
  if (failed !== undefined) {
    const { error } = failed;
    const attempts = error.attempts && error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
    warnings.push(
      `page ${failed.pageNum} failed${attempts} (${error.code}: ${error.message}); this result covers pages ${firstPage} to ${failed.pageNum - 1} only`,
    );
  }
  const totals = new Set(folded.map((p) => p.totalElements).filter((t) => t !== null));
  if (totals.size > 1) {
    warnings.push(`the ${noun} list changed while it was read (totals ${[...totals].join(' -> ')}): duplicates were removed, a ${noun} may have been missed`);
  }
  return warnings;
}

/** Which pages a list call asks for, and where. */
export interface ListRange {
  pageNum: number;
  pageSize: number;
  allPages: boolean;
  maxPages: number;
  regionId?: string | undefined;
}

/** What every list result holds beside its items: where it was read, which pages, and what went wrong. */
export interface ListRead {
  request: RequestInfo;
  page: PageInfo;
  warnings: string[];
}

export interface ListSource {
  noun: string;
  fetchPage: (where: { endpoint: Endpoint; regionId: string }, pageNum: number) => Promise<RawPage>;
  fold: (items: RawItem[]) => void;
}

/** Reads the pages `range` asks for in its region (the configured one by default), folding each into `source`. */
export async function readList(range: ListRange, deps: { config: Config; onProgress?: PagingOptions['onProgress'] }, source: ListSource): Promise<ListRead> {
  const regionId = range.regionId || deps.config.regionId;
  const endpoint = resolveEndpoint(regionId, deps.config.endpointOverride);
  const { pageNum, pageSize, allPages, maxPages } = range;
  const { page, requestIds, warnings } = await readPages({
    pageNum,
    pageSize,
    allPages,
    maxPages,
    concurrency: deps.config.concurrency,
    noun: source.noun,
    fetchPage: (p) => source.fetchPage({ endpoint, regionId }, p),
    fold: source.fold,
    onProgress: deps.onProgress,
  });
  return { request: { regionId, endpoint: endpoint.host, requestIds }, page, warnings };
}
