/** `list_backup_plans`, as its contract describes it: input schema, output schema, description, handler. */
import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REGION_PATTERN } from '../config.js';
import { listBackupPlans, PLAN_DEFAULTS, type PlanListInput, type PlanListResult } from '../plan-list.js';
import { PLAN_STATUSES } from '../plans.js';
import { PLAN_TOOL_NAME, renderPlansText } from '../render-plans.js';
import type { ToolContext } from './context.js';
import { failureResult, progressSender, retryLogger } from './run.js';
import { nullableString, pageSchema, requestSchema, strictInput } from './schema.js';

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
  regionId: z
    .string()
    .max(64)
    .regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1')
    .optional()
    .describe('Region of the plans, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  pageSize: z.number().int().min(1).max(100).default(PLAN_DEFAULTS.pageSize).describe('Plans per page, 1-100'),
  pageNum: z.number().int().min(0).max(100_000).default(PLAN_DEFAULTS.pageNum).describe('Zero-based page index to start from'),
  allPages: z.boolean().default(PLAN_DEFAULTS.allPages).describe('Read every page (up to maxPages); false: one page'),
  maxPages: z.number().int().min(1).max(50).default(PLAN_DEFAULTS.maxPages).describe('Page cap for allPages'),
  limit: z.number().int().min(1).max(1000).default(PLAN_DEFAULTS.limit).describe('Most plans listed; the summary counts all read'),
  includeEndpointDetails: z
    .boolean()
    .default(false)
    .describe('Include database user names, ip:port, OSS buckets and cross-account ids; off by default'),
};

export const planInputSchema = strictInput(inputShape);


export const planOutputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: z.object({
    fetched: z.number().int(),
    listed: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byDbType: z.record(z.string(), z.number().int()),
    attention: z.array(z.object({ backupPlanId: nullableString, backupPlanName: nullableString, status: nullableString, errorMessage: nullableString })),
    attentionTotal: z.number().int(),
  }),
  plans: z.array(
    z.object({
      backupPlanId: nullableString,
      backupPlanName: nullableString,
      status: nullableString,
      statusMeaning: nullableString,
      dbType: nullableString,
      backupMethod: nullableString,
      sourceType: nullableString,
      sourceInstanceId: nullableString,
      sourceRegion: nullableString,
      createdAt: nullableString,
      retentionDays: z.number().nullable(),
      storage: nullableString,
      autoDownload: z.boolean().nullable(),
      downloadTargetType: nullableString,
      downloadDir: nullableString,
      downloadFormats: z.object({ full: nullableString, incremental: nullableString }),
      restorableFrom: nullableString,
      restorableTo: nullableString,
      errorMessage: nullableString,
      details: z
        .object({
          sourceUser: nullableString,
          sourceIpPort: nullableString,
          ossBucket: nullableString,
          ossRegion: nullableString,
          crossAccountId: nullableString,
          crossRoleName: nullableString,
        })
        .optional(),
    }),
  ),
  warnings: z.array(z.string()),
  nextArguments: z.record(z.string(), z.unknown()).nullable(),
});

export type PlanToolInput = z.infer<typeof planInputSchema>;

const DESCRIPTION = [
  'Lists the Alibaba Cloud DBS backup plans of a region: which plans exist, their status, database and source, and which need attention with their precheck error.',
  'Use it first when the user names no backup plan id (e.g. "did any of my backup downloads fail?", "which plans are failing?").',
  'Reads every page by default. Statuses: wait = not configured, init = not started (precheck failed), check_pass, running, pause, stop = failed, locked.',
  'Next step: pass a plan\'s backupPlanId to list_backup_set_download_tasks for its download tasks.',
].join(' ');

export function toPlanListInput(args: PlanToolInput): PlanListInput {
  return { ...args, backupPlanIds: args.backupPlanIds === undefined ? undefined : [...new Set(args.backupPlanIds)] };
}

export function planSuccessResult(result: PlanListResult, input: PlanListInput): CallToolResult {
  return {
    content: [{ type: 'text', text: renderPlansText(result, input) }],
    structuredContent: result as unknown as Record<string, unknown>,
  };
}

export function registerListBackupPlans(server: McpServer, context: ToolContext): void {
  const title = 'List DBS backup plans';
  server.registerTool(
    PLAN_TOOL_NAME,
    {
      title,
      description: DESCRIPTION,
      inputSchema: planInputSchema,
      outputSchema: planOutputSchema,
      annotations: { title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const input = toPlanListInput(args);
      const started = Date.now();
      try {
        const result = await listBackupPlans(input, {
          client: context.client,
          config: context.config,
          signal: extra.signal,
          onProgress: progressSender(extra),
          onRetry: retryLogger(PLAN_TOOL_NAME, context.log),
        });
        context.log.debug(`${PLAN_TOOL_NAME}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} plans in ${Date.now() - started} ms`);
        return planSuccessResult(result, input);
      } catch (raw) {
        return failureResult(PLAN_TOOL_NAME, raw, context.log, started);
      }
    },
  );
}
