/** Fetches the requested pages of backup plans and turns them into `list_backup_plans`' result. */
import type { PlanPageRequest } from '../../dbs/client.js';
import type { Endpoint } from '../../dbs/endpoint.js';
import { resolveEndpoint } from '../../dbs/endpoint.js';
import { readPages, type ListDeps } from '../shared/paging.js';
import { PlanDigest } from './plans.js';
import { PLAN_DEFAULTS, type PlanListResult, type PlanStatus } from './schema.js';

export interface PlanListInput {
  backupPlanIds?: string[] | undefined;
  backupPlanName?: string | undefined;
  status?: PlanStatus | undefined;
  regionId?: string | undefined;
  pageSize: number;
  pageNum: number;
  allPages: boolean;
  maxPages: number;
  limit: number;
  includeEndpointDetails: boolean;
}

/** The one call of DescribeBackupPlanList: one page, retries reported with its page number. */
function describePlanPage(deps: ListDeps, endpoint: Endpoint, request: PlanPageRequest) {
  return deps.client.describePlanPage(endpoint, request, { signal: deps.signal, onRetry: (notice) => deps.onRetry?.(notice, request.pageNum) });
}

export async function listBackupPlans(input: PlanListInput, deps: ListDeps): Promise<PlanListResult> {
  const { config } = deps;
  const regionId = input.regionId || config.regionId;
  const endpoint = resolveEndpoint(regionId, config.endpointOverride);
  const base = {
    backupPlanId: input.backupPlanIds && input.backupPlanIds.length > 0 ? input.backupPlanIds.join(',') : undefined,
    backupPlanName: input.backupPlanName || undefined,
    backupPlanStatus: input.status,
    // The endpoint alone does not pick the region: central regions share one.
    region: regionId,
    pageSize: input.pageSize,
  };

  const digest = new PlanDigest(input);
  const { page, requestIds, warnings } = await readPages({
    pageNum: input.pageNum,
    pageSize: input.pageSize,
    allPages: input.allPages,
    maxPages: input.maxPages,
    concurrency: config.concurrency,
    noun: 'plan',
    fetchPage: (pageNum) => describePlanPage(deps, endpoint, { ...base, pageNum }),
    fold: (items) => digest.add(items),
    onProgress: deps.onProgress,
  });
  const { summary, plans } = digest.result();
  return {
    request: { regionId, endpoint: endpoint.host, requestIds },
    page,
    summary,
    plans,
    warnings,
    nextArguments: page.nextPageNum === null ? null : nextPlanArgumentsOf(input, page.nextPageNum),
  };
}

/** The exact arguments of the call that continues: same filters, next page; defaults left out. */
export function nextPlanArgumentsOf(input: PlanListInput, pageNum: number): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (input.backupPlanIds && input.backupPlanIds.length > 0) args.backupPlanIds = input.backupPlanIds;
  if (input.backupPlanName) args.backupPlanName = input.backupPlanName;
  if (input.status) args.status = input.status;
  if (input.regionId) args.regionId = input.regionId;
  if (input.pageSize !== PLAN_DEFAULTS.pageSize) args.pageSize = input.pageSize;
  args.pageNum = pageNum;
  if (!input.allPages) args.allPages = false;
  else if (input.maxPages !== PLAN_DEFAULTS.maxPages) args.maxPages = input.maxPages;
  if (input.limit !== PLAN_DEFAULTS.limit) args.limit = input.limit;
  if (input.includeEndpointDetails) args.includeEndpointDetails = true;
  return args;
}
