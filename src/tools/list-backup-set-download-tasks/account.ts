/**
 * Region-wide reading: every backup plan of the regions in scope, then every page of each plan's tasks,
 * pages of several plans in flight at once, folded into one digest over all plans and one per plan.
 */
import { resolveEndpoint, type Endpoint } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import { describeBackupPlanList, type DownloadTaskPageParams } from '../../dbs/operations.js';
import type { RawPage } from '../../dbs/page.js';
import type { DownloadTask } from '../shared/download-task.js';
import { readPages, type PageInfo } from '../shared/paging.js';
import { text } from '../shared/raw.js';
import { regionsInScope } from '../shared/regions.js';
import type { ToolRun } from '../shared/tool.js';
import { DEFAULT_MAX_PLANS, MAX_PAGES, MAX_PLANS, regionWideArgumentsOf, type ListInput } from './args.js';
import { digestOptionsOf, TaskDigest, type TaskCounts } from './digest.js';
import type { ListResult, PlanTasks, Scope } from './schema.js';

/** Reads one page of a plan's download tasks: the tool's one DescribeBackupSetDownloadTaskList call site. */
export type TaskPageReader = (endpoint: Endpoint, request: DownloadTaskPageParams) => Promise<RawPage>;

const PLAN_PAGE_SIZE = 100;
const PLAN_MAX_PAGES = 50;

interface PlanRef {
  backupPlanId: string;
  name: string | null;
  status: string | null;
  databaseType: string | null;
  regionId: string;
  endpoint: Endpoint;
}

type ScopeError = Scope['errors'][number];

/** Runs work under the call's own limit on pages in flight, across every plan and region it reads. */
type Gate = <T>(work: () => Promise<T>) => Promise<T>;

function gateOf(concurrency: number): Gate {
  // A plain queue, not the request limiter: waiters hold no abort listener on the call's signal, and a
  // cancelled call still drains it fast as each waiting page's request fails at once.
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active -= 1;
      else next();
    }
  };
}

/** A failure one plan or region can have without failing the call; a cancellation or a bug still fails it. */
function partialFailure(error: unknown): DbsError {
  if (error instanceof DbsError && error.code !== 'Cancelled') return error;
  throw error;
}

interface Reading {
  deps: ToolRun;
  gate: Gate;
  requestIds: string[];
  warnings: string[];
}

/** Every plan of one region, all pages, `Region` sent: central regions share one endpoint. */
async function readRegionPlans(regionId: string, reading: Reading): Promise<PlanRef[]> {
  const { deps, gate } = reading;
  const endpoint = resolveEndpoint(regionId, deps.config.endpointOverride);
  const plans = new Map<string, PlanRef>();
  const read = await readPages({
    pageNum: 0,
    pageSize: PLAN_PAGE_SIZE,
    allPages: true,
    maxPages: PLAN_MAX_PAGES,
    concurrency: deps.config.concurrency,
    noun: 'plan',
    fetchPage: (pageNum) =>
      gate(() =>
        deps.client.call(
          describeBackupPlanList,
          { region: regionId, pageSize: PLAN_PAGE_SIZE, pageNum },
          { endpoint, signal: deps.signal, onRetry: (notice) => deps.onRetry?.(notice, pageNum) },
        ),
      ),
    fold: (items) => {
      for (const raw of items) {
        const backupPlanId = text(raw.BackupPlanId);
        // A plan without an id cannot be asked for its tasks.
        if (backupPlanId === null || plans.has(backupPlanId)) continue;
        const plan = { name: text(raw.BackupPlanName), status: text(raw.BackupPlanStatus), databaseType: text(raw.DatabaseType) };
        plans.set(backupPlanId, { backupPlanId, ...plan, regionId, endpoint });
      }
    },
  });
  reading.requestIds.push(...read.requestIds);
  reading.warnings.push(...read.warnings.map((w) => `region ${regionId} plan list: ${w}`));
  if (read.page.hasMore) reading.warnings.push(`region ${regionId} has more than ${PLAN_MAX_PAGES * PLAN_PAGE_SIZE} plans: only those were read`);
  return [...plans.values()];
}

/** The plans of every region in scope, in region order; a region whose listing fails is named, unless all fail. */
async function readPlans(input: ListInput, reading: Reading, errors: ScopeError[]): Promise<{ regions: string[]; plans: PlanRef[] }> {
  const regions = await regionsInScope(input, reading.deps);
  const failures: DbsError[] = [];
  const lists = await Promise.all(
    regions.map((regionId) =>
      readRegionPlans(regionId, reading).catch((error: unknown) => {
        const failure = partialFailure(error);
        failures.push(failure);
        errors.push({ backupPlanId: null, regionId, code: failure.code, message: failure.message });
        return [];
      }),
    ),
  );
  if (regions.length > 0 && failures.length === regions.length) throw failures[0];
  return { regions, plans: lists.flat() };
}

interface PlanRead {
  row: PlanTasks;
  counts: TaskCounts;
  page: PageInfo;
}

/** The newest task of `digest`'s list (limit 1, newest finished first), or null. */
const newestOf = (digest: TaskDigest): DownloadTask | null => digest.result().tasks[0] ?? null;

/** Every page of one plan's tasks, folded into `overall` and into the plan's own counts. */
async function readPlanTasks(plan: PlanRef, input: ListInput, reading: Reading, fetchTaskPage: TaskPageReader, overall: TaskDigest): Promise<PlanRead> {
  const filters = digestOptionsOf(input);
  const own = new TaskDigest({ ...filters, sortBy: 'finished', limit: 1, includeUrls: false });
  const failedStates = filters.states.length === 0 || filters.states.includes('failed') ? (['failed'] as const) : null;
  const failed = failedStates && new TaskDigest({ ...filters, states: [...failedStates], sortBy: 'finished', limit: 1 });
  const request = { backupPlanId: plan.backupPlanId, pageSize: input.pageSize };
  const read = await readPages({
    pageNum: 0,
    pageSize: input.pageSize,
    allPages: true,
    maxPages: input.maxPages,
    concurrency: reading.deps.config.concurrency,
    noun: 'task',
    fetchPage: (pageNum) => reading.gate(() => fetchTaskPage(plan.endpoint, { ...request, pageNum })),
    fold: (items) => {
      overall.add(items);
      own.add(items);
      failed?.add(items);
    },
  });
  reading.requestIds.push(...read.requestIds);
  reading.warnings.push(...read.warnings.map((w) => `plan ${plan.backupPlanId}: ${w}`));
  const { counts } = own.result();
  const lastFailure = failed === null ? null : newestOf(failed);
  const row: PlanTasks = {
    backupPlanId: plan.backupPlanId,
    name: plan.name,
    status: plan.status,
    databaseType: plan.databaseType,
    regionId: plan.regionId,
    tasksInPlan: read.page.totalElements,
    tasksRead: counts.fetched,
    complete: !read.page.hasMore,
    byState: counts.byState,
    dataSizeBytesByState: counts.dataSizeBytesByState,
    lastCreatedAt: counts.newestCreatedAt,
    lastFinishedAt: newestOf(own)?.finishedAt ?? null,
    lastFailure: lastFailure && { taskId: lastFailure.taskId, errorMessage: lastFailure.errorMessage, finishedAt: lastFailure.finishedAt },
  };
  return { row, counts, page: read.page };
}

const sumOrNull = (values: (number | null)[]): number | null => (values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0));

/** The pages of every plan read, as one page record: what was fetched, and whether a plan was left unfinished. */
function pageOverPlans(reads: PlanRead[], pageSize: number): PageInfo {
  return {
    pageNum: 0,
    pageSize,
    pagesFetched: reads.reduce((n, r) => n + r.page.pagesFetched, 0),
    totalPages: sumOrNull(reads.map((r) => r.page.totalPages)),
    totalElements: sumOrNull(reads.map((r) => r.page.totalElements)),
    hasMore: reads.some((r) => r.page.hasMore),
    nextPageNum: null,
  };
}

/** The arguments of the call that reads what this one left out (more plans, more pages per plan), or null. */
function restArgumentsOf(input: ListInput, plansInScope: number, reads: PlanRead[]): Record<string, unknown> | null {
  const changes: Record<string, unknown> = {};
  const maxPlans = input.maxPlans ?? DEFAULT_MAX_PLANS;
  if (plansInScope > maxPlans) changes.maxPlans = Math.min(plansInScope, MAX_PLANS);
  const pagesNeeded = Math.max(0, ...reads.filter((r) => r.page.hasMore).map((r) => r.page.totalPages ?? 0));
  if (pagesNeeded > input.maxPages) changes.maxPages = Math.min(pagesNeeded, MAX_PAGES);
  if (Object.keys(changes).length === 0) return null;
  return regionWideArgumentsOf(input, changes);
}

/** Adds to each failure reason how many of its failures each plan had. */
function withReasonsByPlan(counts: TaskCounts, reads: PlanRead[]): TaskCounts {
  const failureReasons = counts.failureReasons.map((reason) => {
    const byPlan: Record<string, number> = {};
    for (const { row, counts: own } of reads) {
      const n = own.failureReasons.find((r) => r.reason === reason.reason)?.count ?? 0;
      if (n > 0) byPlan[row.backupPlanId] = n;
    }
    return { ...reason, byPlan };
  });
  return { ...counts, failureReasons };
}

/** Every plan of the regions in scope (at most maxPlans), with each plan's tasks and the sums over all of them. */
export async function listAccountTasks(input: ListInput, deps: ToolRun, fetchTaskPage: TaskPageReader): Promise<ListResult> {
  const reading: Reading = { deps, gate: gateOf(deps.config.concurrency), requestIds: [], warnings: [] };
  const errors: ScopeError[] = [];
  const { regions, plans } = await readPlans(input, reading, errors);
  const inScope = plans.slice(0, input.maxPlans ?? DEFAULT_MAX_PLANS);
  const overall = new TaskDigest(digestOptionsOf(input));
  let done = 0;
  const settled = await Promise.all(
    inScope.map((plan) =>
      readPlanTasks(plan, input, reading, fetchTaskPage, overall)
        .catch((error: unknown) => {
          const failure = partialFailure(error);
          errors.push({ backupPlanId: plan.backupPlanId, regionId: plan.regionId, code: failure.code, message: failure.message });
          return null;
        })
        .finally(() => deps.onProgress?.((done += 1), inScope.length, `plan ${plan.backupPlanId} read`)),
    ),
  );
  const reads = settled.filter((r): r is PlanRead => r !== null);
  const { counts, tasks } = overall.result();
  const page = pageOverPlans(reads, input.pageSize);
  const complete = errors.length === 0 && plans.length === inScope.length && !page.hasMore;
  const scope: Scope = { regions, plansInScope: plans.length, plansRead: reads.length, complete, errors };
  const summary = { ...withReasonsByPlan(counts, reads), coverage: { complete, tasksRead: counts.fetched, totalElements: page.totalElements } };
  const endpoints = [...new Set(regions.map((r) => resolveEndpoint(r, deps.config.endpointOverride).host))];
  return {
    request: { regionId: regions.join(','), endpoint: endpoints.join(','), requestIds: reading.requestIds },
    page,
    summary,
    tasks,
    warnings: reading.warnings,
    nextArguments: restArgumentsOf(input, plans.length, reads),
    scope,
    plans: reads.map((r) => r.row),
  };
}
