/** `list_backup_plans`: the backup plans of a region, which need attention, and their ids for the next step. */
import * as z from 'zod';
import type { RawPage } from '../../dbs/page.js';
import { describeBackupPlanList, type PlanPageParams } from '../../dbs/operations.js';
import type { Endpoint } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import { regionIdSchema, strictInput } from '../shared/input.js';
import { TOOL_NAMES } from '../shared/names.js';
import { readList, type ListRead } from '../shared/paging.js';
import { checkRegionScope, regionScopeShape, regionsInScope } from '../shared/regions.js';
import { defineTool, type ToolRun } from '../shared/tool.js';
import { nextPlanArgumentsOf, PLAN_DEFAULTS, type PlanListInput } from './args.js';
import { PlanDigest } from './plans.js';
import { renderPlansText } from './render.js';
import { outputSchema, PLAN_STATUSES, type PlanListResult } from './schema.js';

const planId = z
  .string()
  .min(1, 'a plan id is not empty')
  .max(64, 'a plan id is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a plan id takes letters, digits, "_", "-" and "." only');

const inputShape = {
  backupPlanIds: z.array(planId).min(1).max(100).optional().describe('Only these plans (1-100 ids), e.g. ["dbs1hvb0wxxxxxx"]'),
  backupPlanName: z.string().min(1).max(128).optional().describe('Only the plan with this exact name'),
  status: z
    .enum(PLAN_STATUSES, { error: `status is one of ${PLAN_STATUSES.join(', ')}` })
    .optional()
    .describe('Only plans in this raw status: init = precheck failed, stop = failed, wait = not configured'),
  regionId: regionIdSchema('Region of the plans, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  ...regionScopeShape,
  pageSize: z.number().int().min(1).max(100).default(PLAN_DEFAULTS.pageSize).describe('Plans per page, 1-100'),
  pageNum: z.number().int().min(0).max(100_000).default(PLAN_DEFAULTS.pageNum).describe('Zero-based page index to start from'),
  allPages: z.boolean().default(PLAN_DEFAULTS.allPages).describe('Read every page (up to maxPages); false: one page'),
  maxPages: z.number().int().min(1).max(50).default(PLAN_DEFAULTS.maxPages).describe('Page cap for allPages'),
  limit: z.number().int().min(1).max(1000).default(PLAN_DEFAULTS.limit).describe('Most plans listed; the summary counts all read'),
  includeEndpointDetails: z.boolean().default(false).describe('Include database user names, ip:port, OSS buckets and cross-account ids; off by default'),
};

export const inputSchema = strictInput(inputShape);
export type ToolInput = z.infer<typeof inputSchema>;

const DESCRIPTION = [
  'Lists the Alibaba Cloud DBS backup plans of a region (or several: regionIds, allRegions): which plans exist, their status, database, source and schedule, and which need attention and why (precheck error, paused, locked by an expired instance).',
  'Use it first when the user names no backup plan id (e.g. "did any of my backup downloads fail?", "which plans are failing?").',
  'Reads every page by default. Statuses: wait = not configured, init = not started (precheck failed), check_pass, running, pause, stop = failed, locked.',
  `Next step: pass a plan's backupPlanId to ${TOOL_NAMES.listBackupSetDownloadTasks} for its download tasks, or call it without one for downloads across plans.`,
].join(' ');

/** The one call of DescribeBackupPlanList: one page, retries reported with its page number. */
function describePlanPage(deps: ToolRun, endpoint: Endpoint, request: PlanPageParams): Promise<RawPage> {
  return deps.client.call(describeBackupPlanList, request, { endpoint, signal: deps.signal, onRetry: (notice) => deps.onRetry?.(notice, request.pageNum) });
}

type PlanPageBase = Omit<PlanPageParams, 'region' | 'pageNum'>;

/** One region's pages, folded into `digest` under that region. */
function readRegion(input: PlanListInput, deps: ToolRun, digest: PlanDigest, base: PlanPageBase, regionId: string): Promise<ListRead> {
  return readList({ ...input, regionId }, deps, {
    noun: 'plan',
    // The endpoint alone does not pick the region: central regions share one.
    fetchPage: ({ endpoint }, pageNum) => describePlanPage(deps, endpoint, { ...base, region: regionId, pageNum }),
    fold: (items) => digest.add(items, regionId),
  });
}

/** Progress over several regions read at once: pages done and planned, summed, so it only ever rises. */
function regionProgress(deps: ToolRun, regions: readonly string[]): (regionId: string) => ToolRun['onProgress'] {
  const done = new Map<string, number>();
  const planned = new Map<string, number>();
  return (regionId) =>
    deps.onProgress &&
    ((pages, total, message) => {
      done.set(regionId, pages);
      planned.set(regionId, total);
      const sum = (map: Map<string, number>, fallback: number): number => regions.reduce((n, r) => n + (map.get(r) ?? fallback), 0);
      deps.onProgress?.(sum(done, 0), sum(planned, 1), `${regionId}: ${message}`);
    });
}

interface RegionOutcome {
  regionId: string;
  read: ListRead | null;
  error: DbsError | null;
}

/** Every region of several, a few at a time; a region whose listing fails is named, not fatal, unless all fail. */
async function readRegions(input: PlanListInput, deps: ToolRun, digest: PlanDigest, base: PlanPageBase, regions: string[]): Promise<RegionOutcome[]> {
  const progress = regionProgress(deps, regions);
  const outcomes: RegionOutcome[] = [];
  const queue = [...regions];
  const worker = async (): Promise<void> => {
    for (let regionId = queue.shift(); regionId !== undefined; regionId = queue.shift()) {
      try {
        outcomes.push({ regionId, read: await readRegion(input, { ...deps, onProgress: progress(regionId) }, digest, base, regionId), error: null });
      } catch (error) {
        if (!(error instanceof DbsError) || error.code === 'Cancelled') throw error;
        outcomes.push({ regionId, read: null, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.config.concurrency, regions.length) }, worker));
  outcomes.sort((a, b) => regions.indexOf(a.regionId) - regions.indexOf(b.regionId));
  if (outcomes.every((o) => o.error !== null)) throw outcomes[0]!.error;
  return outcomes;
}

const sumOrNull = (values: (number | null)[]): number | null => (values.some((v) => v === null) ? null : values.reduce<number>((a, b) => a + (b ?? 0), 0));

/** The regions' reads as one list result: pages summed, the first region with pages left continues. */
function combineRegions(input: PlanListInput, outcomes: RegionOutcome[], digest: PlanDigest, named: boolean): PlanListResult {
  const reads = outcomes.filter((o): o is RegionOutcome & { read: ListRead } => o.read !== null);
  const pages = reads.map((o) => o.read.page);
  const more = reads.find((o) => o.read.page.nextPageNum !== null);
  const { summary, plans } = digest.result();
  const warnings = outcomes.flatMap((o) => {
    if (o.error !== null) return [`region ${o.regionId}: the plan listing failed (${o.error.code}: ${o.error.message}); its plans are not counted`];
    return outcomes.length > 1 ? o.read!.warnings.map((w) => `region ${o.regionId}: ${w}`) : o.read!.warnings;
  });
  const first = reads[0]!.read;
  return {
    request: { ...first.request, requestIds: reads.flatMap((o) => o.read.request.requestIds) },
    page: {
      ...first.page,
      pagesFetched: pages.reduce((n, p) => n + p.pagesFetched, 0),
      totalPages: sumOrNull(pages.map((p) => p.totalPages)),
      totalElements: sumOrNull(pages.map((p) => p.totalElements)),
      hasMore: more !== undefined,
      nextPageNum: more?.read.page.nextPageNum ?? null,
    },
    summary,
    regions: outcomes.map((o) => ({
      regionId: o.regionId,
      plans: summary.byRegion[o.regionId] ?? 0,
      complete: o.read !== null && !o.read.page.hasMore && input.pageNum === 0,
      error: o.error === null ? null : { code: o.error.code, message: o.error.message },
    })),
    plans,
    warnings,
    nextArguments: more === undefined ? null : nextPlanArgumentsOf(input, more.read.page.nextPageNum!, named ? more.regionId : undefined),
  };
}

export async function listBackupPlans(input: PlanListInput, deps: ToolRun): Promise<PlanListResult> {
  checkRegionScope(input);
  const base: PlanPageBase = {
    backupPlanId: input.backupPlanIds && input.backupPlanIds.length > 0 ? input.backupPlanIds.join(',') : undefined,
    backupPlanName: input.backupPlanName || undefined,
    backupPlanStatus: input.status,
    pageSize: input.pageSize,
  };
  const digest = new PlanDigest(input);
  const regions = await regionsInScope(input, deps);
  // A single region fails as a whole, as before; several are answered as far as they can be.
  const outcomes =
    regions.length === 1
      ? [{ regionId: regions[0]!, read: await readRegion(input, deps, digest, base, regions[0]!), error: null }]
      : await readRegions(input, deps, digest, base, regions);
  const named = Boolean(input.regionId || input.regionIds?.length || input.allRegions);
  return combineRegions(input, outcomes, digest, named);
}

export const listBackupPlansTool = defineTool({
  name: TOOL_NAMES.listBackupPlans,
  title: 'List DBS backup plans',
  description: DESCRIPTION,
  input: inputSchema,
  output: outputSchema,
  prepare: (args) => ({ ...args, backupPlanIds: args.backupPlanIds === undefined ? undefined : [...new Set(args.backupPlanIds)] }),
  run: (input, run) => listBackupPlans(input, run),
  render: renderPlansText,
  logLine: (result, _input, ms) => ({
    level: 'debug',
    message: `${TOOL_NAMES.listBackupPlans}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} plans in ${ms} ms`,
  }),
});
