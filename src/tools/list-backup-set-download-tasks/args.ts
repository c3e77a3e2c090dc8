/** The list's arguments once checked, their defaults, and the arguments of the calls that follow up on a result. */
import type { State } from '../shared/download-task.js';
import type { TimeWindow } from './time-window.js';

/** The most pages one call reads. */
export const MAX_PAGES = 100;
/** Tasks listed unless `limit` says otherwise. */
export const DEFAULT_LIMIT = 100;
/** Tasks listed in a region-wide answer unless `limit` says otherwise: the plan table comes first. */
export const DEFAULT_ACCOUNT_LIMIT = 50;
/** Plans one region-wide call reads unless `maxPlans` says otherwise, and the most it may say. */
export const DEFAULT_MAX_PLANS = 50;
export const MAX_PLANS = 500;
/** maxPages unless given, with allPages. */
export const DEFAULT_MAX_PAGES = 50;
export const SORT_BY = ['created', 'finished', 'duration', 'size'] as const;
export type SortBy = (typeof SORT_BY)[number];

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
  /** Finish-time window, already resolved to instants; when bounded, unfinished tasks are left out. None when absent. */
  finishedWindow?: TimeWindow | undefined;
  sortBy: SortBy;
  limit: number;
  includeUrls: boolean;
  regionId?: string | undefined;
  clientToken?: string | undefined;
  /** Region-wide only (no plan or task id): the regions and how many plans to read. */
  regionIds?: string[] | undefined;
  allRegions?: boolean | undefined;
  maxPlans?: number | undefined;
}

/** True when the call covers every plan of its regions rather than one plan or one task. */
export function isRegionWide(input: Pick<ListInput, 'backupPlanId' | 'backupSetDownloadTaskId'>): boolean {
  return !input.backupPlanId && !input.backupSetDownloadTaskId;
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
  const finished = input.finishedWindow;
  if (finished && finished.after !== null) args.finishedAfter = new Date(finished.after).toISOString();
  if (finished && finished.before !== null) args.finishedBefore = new Date(finished.before).toISOString();
  if (input.sortBy !== 'created') args.sortBy = input.sortBy;
  if (input.limit !== (isRegionWide(input) ? DEFAULT_ACCOUNT_LIMIT : DEFAULT_LIMIT)) args.limit = input.limit;
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
  // pageSize 100 and maxPages DEFAULT_MAX_PAGES are the defaults with allPages.
  if (pages > DEFAULT_MAX_PAGES) args.maxPages = pages;
  return selectionArguments(input, args);
}

/** The arguments of a region-wide call with the same regions and filters, changed by `changes` (e.g. a higher maxPlans). */
export function regionWideArgumentsOf(input: ListInput, changes: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (input.regionId) args.regionId = input.regionId;
  if (input.regionIds?.length) args.regionIds = input.regionIds;
  if (input.allRegions) args.allRegions = true;
  if (input.maxPlans !== undefined && input.maxPlans !== DEFAULT_MAX_PLANS) args.maxPlans = input.maxPlans;
  if (input.maxPages !== DEFAULT_MAX_PAGES) args.maxPages = input.maxPages;
  return selectionArguments(input, Object.assign(args, changes));
}
