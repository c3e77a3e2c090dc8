/** The tool, as the contract describes it: input schema, output schema, description, handler. */
import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REGION_PATTERN } from '../config.js';
import { DbsError } from '../dbs/errors.js';
import { listDownloadTasks, MAX_PAGES, type ListInput, type ListResult } from '../list.js';
import { renderText, TOOL_NAME } from '../render.js';
import { FAILED_STATUSES, STATES, type TimeWindow } from '../tasks.js';
import { parseInstant } from '../time-window.js';
import type { ToolContext } from './context.js';
import { errorResult, failureResult, progressSender, retryLogger } from './run.js';
import { nullableString, pageSchema, requestSchema, strictInput } from './schema.js';

const TOKEN = /^[\x21-\x7e]+$/;

const id = (what: string, example: string) =>
  z
    .string()
    .max(64, `${what} is at most 64 characters`)
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} takes letters, digits, "_", "-" and "." only`)
    .optional()
    .describe(`${what}, e.g. ${example}`);

// The forms are checked in the handler: a pattern here would cost the tool list 200 bytes twice.
const instant = (description: string) => z.string().max(40).optional().describe(description);

const inputShape = {
  backupPlanId: id('Backup plan ID', 'dbs1hvb0wxxxxxx'),
  backupSetDownloadTaskId: id('Download task ID (one task)', 'dbstooi01exxxxx'),
  pageSize: z
    .literal([30, 50, 100], { error: 'pageSize must be 30, 50 or 100' })
    .optional()
    .describe('30, 50 or 100; default 30, 100 with allPages'),
  pageNum: z.number().int().min(0).max(100_000).default(0).describe('Zero-based page'),
  allPages: z.boolean().default(false).describe('Read from pageNum to the last page, at most maxPages'),
  maxPages: z.number().int().min(1).max(MAX_PAGES).default(50).describe('Page cap for allPages'),
  states: z
    .array(z.enum(STATES, { error: `states are ${STATES.join(', ')}` }))
    .max(STATES.length)
    .default([])
    .describe('Keep only these states; empty: all'),
  createdAfter: instant('Created at/after: ISO date (midnight UTC), date-time (UTC unless zoned) or age: 90m, 24h, 7d, 2w'),
  createdBefore: instant('Created before; as createdAfter'),
  sortBy: z
    .enum(['created', 'finished'], { error: 'sortBy is created or finished' })
    .default('created')
    .describe('Newest first by creation or finish time'),
  limit: z.number().int().min(1).max(1000).default(100).describe('Most tasks listed (the summary counts all)'),
  includeUrls: z.boolean().default(false).describe('Show download URLs (they give access to backup data)'),
  regionId: z
    .string()
    .max(64)
    .regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1')
    .optional()
    .describe('Region, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID)'),
  clientToken: z
    .string()
    .max(64, 'clientToken is at most 64 characters')
    .regex(TOKEN, 'clientToken takes printable ASCII without spaces')
    .optional()
    .describe('Idempotency token (first page only)'),
};

export const inputSchema = strictInput(inputShape);

const stateEnum = z.enum(STATES);
const perState = (value: () => z.ZodNumber) => z.object(Object.fromEntries(STATES.map((s) => [s, value()])) as Record<(typeof STATES)[number], z.ZodNumber>);

export const outputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: z.object({
    fetched: z.number().int(),
    matched: z.number().int(),
    listed: z.number().int(),
    byState: perState(() => z.number().int()),
    dataSizeBytesByState: perState(() => z.number()),
    byDbType: z.record(z.string(), z.number().int()),
    failureReasons: z.array(z.object({ reason: z.string(), count: z.number().int(), taskIds: z.array(z.string()) })),
    coverage: z.object({ complete: z.boolean(), tasksRead: z.number().int(), totalElements: z.number().int().nullable() }),
    byStatus: z.record(z.string(), z.number().int()),
    totalDataSizeBytes: z.number(),
    newestCreatedAt: nullableString,
    oldestCreatedAt: nullableString,
    failedTasks: z.array(z.object({ taskId: nullableString, taskName: nullableString, status: nullableString, errorMessage: nullableString })),
  }),
  tasks: z.array(
    z.object({
      taskId: nullableString,
      taskName: nullableString,
      backupPlanId: nullableString,
      backupSetId: nullableString,
      backupSetCode: nullableString,
      dbType: nullableString,
      dataFormat: nullableString,
      dataSizeBytes: z.number().nullable(),
      jobType: nullableString,
      backupKind: z.enum(['full', 'incremental']).nullable(),
      downloadWay: nullableString,
      targetType: nullableString,
      gatewayId: nullableString,
      downloadDir: nullableString,
      status: nullableString,
      state: stateEnum,
      createdAt: nullableString,
      finishedAt: nullableString,
      durationSeconds: z.number().nullable(),
      errorMessage: nullableString,
      hasDownloadUrl: z.boolean(),
      internetUrl: nullableString.optional(),
      intranetUrl: nullableString.optional(),
    }),
  ),
  warnings: z.array(z.string()),
  nextArguments: z.record(z.string(), z.unknown()).nullable(),
});

export type ToolInput = z.infer<typeof inputSchema>;

const DESCRIPTION = [
  'DBS backup set download tasks of a plan, with counts and sizes by state, database types and failures by reason; or every field of one task.',
  'One page per call unless allPages (for whole-plan questions).',
  `States: pending (checking, check_pass, schedule), running, paused, succeeded (finish), failed (${FAILED_STATUSES.join(', ')};`,
  'init = precheck failed, never started; stop = download failed), unknown.',
].join(' ');

function windowOf(args: ToolInput, nowMs: number): TimeWindow | DbsError {
  // An empty string counts as unset, as for the ids: some hosts send "" for an optional field left blank.
  const after = args.createdAfter ? parseInstant(args.createdAfter, nowMs) : null;
  const before = args.createdBefore ? parseInstant(args.createdBefore, nowMs) : null;
  for (const [key, text, instant] of [['createdAfter', args.createdAfter, after], ['createdBefore', args.createdBefore, before]] as const) {
    if (text && instant === null) {
      return new DbsError('InvalidInput', `${key} "${text}" is not an ISO 8601 date (2026-11-20), date-time (2026-11-20T08:00:00Z) or age (90m, 24h, 7d, 2w)`);
    }
  }
  if (after !== null && before !== null && after >= before) {
    return new DbsError('InvalidInput', 'createdAfter must be earlier than createdBefore (createdBefore is exclusive)');
  }
  return { after, before };
}

export function toListInput(args: ToolInput, nowMs = Date.now()): ListInput | DbsError {
  const backupPlanId = args.backupPlanId || undefined;
  const backupSetDownloadTaskId = args.backupSetDownloadTaskId || undefined;
  if (!backupPlanId && !backupSetDownloadTaskId) {
    return new DbsError('InvalidInput', 'give backupPlanId or backupSetDownloadTaskId (one of them is required)');
  }
  const window = windowOf(args, nowMs);
  if (window instanceof DbsError) return window;
  const { createdAfter: _after, createdBefore: _before, ...rest } = args;
  return {
    ...rest,
    backupPlanId,
    backupSetDownloadTaskId,
    pageSize: args.pageSize ?? (args.allPages ? 100 : 30),
    states: [...new Set(args.states)],
    window,
  };
}

export function successResult(result: ListResult, input: ListInput): CallToolResult {
  return {
    content: [{ type: 'text', text: renderText(result, input) }],
    structuredContent: result as unknown as Record<string, unknown>,
  };
}

export function registerListBackupSetDownloadTasks(server: McpServer, context: ToolContext): void {
  server.registerTool(
    TOOL_NAME,
    {
      title: 'List DBS backup set download tasks',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: {
        title: 'List DBS backup set download tasks',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    async (args, extra) => {
      const input = toListInput(args);
      if (input instanceof DbsError) return errorResult(input);
      const started = Date.now();
      try {
        const result = await listDownloadTasks(input, {
          client: context.client,
          config: context.config,
          signal: extra.signal,
          onProgress: progressSender(extra),
          onRetry: retryLogger(TOOL_NAME, context.log),
        });
        context.log.debug(`${TOOL_NAME}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} tasks in ${Date.now() - started} ms`);
        return successResult(result, input);
      } catch (raw) {
        return failureResult(TOOL_NAME, raw, context.log, started);
      }
    },
  );
}
