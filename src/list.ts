/** Fetches the requested pages of download tasks and turns them into the tool's result. */
import type { Config } from './config.js';
import type { DbsClient, PageResult, RetryNotice } from './dbs/client.js';
import { resolveEndpoint } from './dbs/endpoint.js';
import { readPages, type PageInfo } from './paging.js';
import { TaskDigest, type DownloadTask, type State, type Summary } from './tasks.js';

export interface ListInput {
  backupPlanId?: string | undefined;
  backupSetDownloadTaskId?: string | undefined;
  pageSize: 30 | 50 | 100;
  pageNum: number;
  allPages: boolean;
  maxPages: number;
  states: State[];
  limit: number;
  includeUrls: boolean;
  regionId?: string | undefined;
  clientToken?: string | undefined;
}

export type { PageInfo } from './paging.js';

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

  const digest = new TaskDigest(input);
  const { page, requestIds, warnings } = await readPages({
    pageNum: input.pageNum,
    pageSize: input.pageSize,
    allPages: input.allPages,
    maxPages: input.maxPages,
    concurrency: config.concurrency,
    noun: 'task',
    // ClientToken makes one request idempotent: it goes with the first page only.
    fetchPage: (pageNum) => fetchPage(pageNum, pageNum === input.pageNum ? input.clientToken || undefined : undefined),
    fold: (items) => digest.add(items),
    onProgress: deps.onProgress,
  });

  const { summary, tasks } = digest.result();
  return {
    request: { regionId, endpoint: endpoint.host, requestIds },
    page,
    summary,
    tasks,
    warnings,
    nextArguments: page.nextPageNum !== null ? nextArgumentsOf(input, page.nextPageNum) : null,
  };
}

/** The exact arguments of the call that continues: same filters, next page, never the client token. */
export function nextArgumentsOf(input: ListInput, pageNum: number): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (input.backupPlanId) args.backupPlanId = input.backupPlanId;
  if (input.backupSetDownloadTaskId) args.backupSetDownloadTaskId = input.backupSetDownloadTaskId;
  if (input.regionId) args.regionId = input.regionId;
  args.pageSize = input.pageSize;
  args.pageNum = pageNum;
  if (input.allPages) {
    args.allPages = true;
    args.maxPages = input.maxPages;
  }
  if (input.states.length > 0) args.states = input.states;
  if (input.limit !== 100) args.limit = input.limit;
  if (input.includeUrls) args.includeUrls = true;
  return args;
}
