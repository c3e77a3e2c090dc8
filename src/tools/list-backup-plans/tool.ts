/** `list_backup_plans`: the backup plans of a region, which need attention, and their ids for the next step. */
import * as z from 'zod';
import type { RawPage } from '../../dbs/page.js';
import { describeBackupPlanList, type PlanPageParams } from '../../dbs/operations.js';
import type { Endpoint } from '../../dbs/endpoint.js';
import { regionIdSchema, strictInput } from '../shared/input.js';
import { TOOL_NAMES } from '../shared/names.js';
import { readList } from '../shared/paging.js';
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
  'Lists the Alibaba Cloud DBS backup plans of a region: which plans exist, their status, database and source, and which need attention with their precheck error.',
  'Use it first when the user names no backup plan id (e.g. "did any of my backup downloads fail?", "which plans are failing?").',
  'Reads every page by default. Statuses: wait = not configured, init = not started (precheck failed), check_pass, running, pause, stop = failed, locked.',
  `Next step: pass a plan's backupPlanId to ${TOOL_NAMES.listBackupSetDownloadTasks} for its download tasks.`,
].join(' ');

/** The one call of DescribeBackupPlanList: one page, retries reported with its page number. */
function describePlanPage(deps: ToolRun, endpoint: Endpoint, request: PlanPageParams): Promise<RawPage> {
  return deps.client.call(describeBackupPlanList, request, { endpoint, signal: deps.signal, onRetry: (notice) => deps.onRetry?.(notice, request.pageNum) });
}

export async function listBackupPlans(input: PlanListInput, deps: ToolRun): Promise<PlanListResult> {
  const base = {
    backupPlanId: input.backupPlanIds && input.backupPlanIds.length > 0 ? input.backupPlanIds.join(',') : undefined,
    backupPlanName: input.backupPlanName || undefined,
    backupPlanStatus: input.status,
    pageSize: input.pageSize,
  };
  const digest = new PlanDigest(input);
  const { request, page, warnings } = await readList(input, deps, {
    noun: 'plan',
    // The endpoint alone does not pick the region: central regions share one.
    fetchPage: ({ endpoint, regionId }, pageNum) => describePlanPage(deps, endpoint, { ...base, region: regionId, pageNum }),
    fold: (items) => digest.add(items),
  });
  const { summary, plans } = digest.result();
  const nextArguments = page.nextPageNum === null ? null : nextPlanArgumentsOf(input, page.nextPageNum);
  return { request, page, summary, plans, warnings, nextArguments };
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
