/** The plan list's arguments once checked, their defaults, and the arguments of the call that continues a result. */
import type { PlanStatus } from './schema.js';

export interface PlanListInput {
  backupPlanIds?: string[] | undefined;
  backupPlanName?: string | undefined;
  status?: PlanStatus | undefined;
  regionId?: string | undefined;
  regionIds?: string[] | undefined;
  allRegions?: boolean | undefined;
  pageSize: number;
  pageNum: number;
  allPages: boolean;
  maxPages: number;
  limit: number;
  includeEndpointDetails: boolean;
}

export const PLAN_DEFAULTS = { pageSize: 100, pageNum: 0, allPages: true, maxPages: 10, limit: 200 } as const;

/**
 * The exact arguments of the call that continues: same filters, next page; defaults left out. Pages are
 * per region, so a call over several regions continues in `regionId`, the one with pages left.
 */
export function nextPlanArgumentsOf(input: PlanListInput, pageNum: number, regionId?: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (input.backupPlanIds && input.backupPlanIds.length > 0) args.backupPlanIds = input.backupPlanIds;
  if (input.backupPlanName) args.backupPlanName = input.backupPlanName;
  if (input.status) args.status = input.status;
  const region = regionId ?? input.regionId;
  if (region) args.regionId = region;
  if (input.pageSize !== PLAN_DEFAULTS.pageSize) args.pageSize = input.pageSize;
  args.pageNum = pageNum;
  if (!input.allPages) args.allPages = false;
  else if (input.maxPages !== PLAN_DEFAULTS.maxPages) args.maxPages = input.maxPages;
  if (input.limit !== PLAN_DEFAULTS.limit) args.limit = input.limit;
  if (input.includeEndpointDetails) args.includeEndpointDetails = true;
  return args;
}
