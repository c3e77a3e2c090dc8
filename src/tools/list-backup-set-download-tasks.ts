/** The tool, as the contract describes it: input schema, output schema, description, handler. */
// A namespace import lets the bundler keep only what is used: `import { z }` brings zod's whole
// namespace object, every locale included (430 KB of the start-up code).
import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REGION_PATTERN } from '../config.js';
import { DbsError, formatError } from '../dbs/errors.js';
import { listDownloadTasks, type ListInput, type ListResult } from '../list.js';
import { renderText, TOOL_NAME } from '../render.js';
import { STATES } from '../tasks.js';
import type { ToolContext } from './context.js';

const TOKEN = /^[\x21-\x7e]+$/;

const id = (what: string, example: string) =>
  z
    .string()
    .max(64, `${what} is at most 64 characters`)
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} takes letters, digits, "_", "-" and "." only`)
    .optional()
    .describe(`${what}, e.g. ${example}`);

const inputShape = {
  backupPlanId: id('Backup plan ID', 'dbs1hvb0wxxxxxx'),
  backupSetDownloadTaskId: id('Download task ID (one task)', 'dbstooi01exxxxx'),
  pageSize: z
    .literal([30, 50, 100], { error: 'pageSize must be 30, 50 or 100' })
    .default(30)
    .describe('Tasks per page: 30, 50 or 100'),
  pageNum: z.number().int().min(0).max(100_000).default(0).describe('Zero-based page index'),
  allPages: z.boolean().default(false).describe('Fetch from pageNum to the last page (up to maxPages) in one call; use for whole-plan questions'),
  maxPages: z.number().int().min(1).max(50).default(10).describe('Page cap for allPages'),
  states: z
    .array(z.enum(STATES, { error: `states are ${STATES.join(', ')}` }))
    .max(STATES.length)
    .default([])
    .describe('Keep only these states; empty: all'),
  limit: z.number().int().min(1).max(1000).default(100).describe('Most tasks listed; the summary counts all matches'),
  includeUrls: z.boolean().default(false).describe('Include download URLs; off by default because they grant access to backup data'),
  regionId: z
    .string()
    .max(64)
    .regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1')
    .optional()
    .describe('Region, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  clientToken: z
    .string()
    .max(64, 'clientToken is at most 64 characters')
    .regex(TOKEN, 'clientToken takes printable ASCII without spaces')
    .optional()
    .describe('Idempotency token, sent with the first page only'),
};

const ALLOWED_KEYS = Object.keys(inputShape).join(', ');

export const inputSchema = z.strictObject(inputShape, {
  error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}; allowed keys: ${ALLOWED_KEYS}` : undefined),
});

const nullableString = z.string().nullable();
const stateEnum = z.enum(STATES);

export const outputSchema = z.object({
  request: z.object({ regionId: z.string(), endpoint: z.string(), requestIds: z.array(z.string()) }),
  page: z.object({
    pageNum: z.number().int(),
    pageSize: z.number().int(),
    pagesFetched: z.number().int(),
    totalPages: z.number().int().nullable(),
    totalElements: z.number().int().nullable(),
    hasMore: z.boolean(),
    nextPageNum: z.number().int().nullable(),
  }),
  summary: z.object({
    fetched: z.number().int(),
    matched: z.number().int(),
    listed: z.number().int(),
    byState: z.object(Object.fromEntries(STATES.map((s) => [s, z.number().int()])) as Record<(typeof STATES)[number], z.ZodNumber>),
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
  'Lists Alibaba Cloud DBS backup set download tasks for a backup plan (or one task by id) with a summary:',
  'counts by state, total size, failed tasks with their errors, and a newest-first table.',
  'One page per call by default; set allPages for whole-plan questions (e.g. "which downloads failed this month?").',
  'When more remain, the result gives the exact arguments of the next call.',
  'States: pending, running, paused, stopped, succeeded, failed, unknown.',
].join(' ');

export function toListInput(args: ToolInput): ListInput | DbsError {
  const backupPlanId = args.backupPlanId || undefined;
  const backupSetDownloadTaskId = args.backupSetDownloadTaskId || undefined;
  if (!backupPlanId && !backupSetDownloadTaskId) {
    return new DbsError('InvalidInput', 'give backupPlanId or backupSetDownloadTaskId (one of them is required)');
  }
  return { ...args, backupPlanId, backupSetDownloadTaskId, states: [...new Set(args.states)] };
}

function errorResult(error: DbsError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: formatError(error) }] };
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
      const progressToken = extra._meta?.progressToken;
      const started = Date.now();
      try {
        const result = await listDownloadTasks(input, {
          client: context.client,
          config: context.config,
          signal: extra.signal,
          onProgress:
            progressToken === undefined
              ? undefined
              : (progress, total, message) => {
                  void extra
                    .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total, message } })
                    .catch(() => undefined);
                },
          onRetry: (notice, pageNum) =>
            context.log.warning(
              `page ${pageNum}: ${notice.error.code}, retrying in ${notice.delayMs} ms (attempt ${notice.attempt} of ${notice.maxAttempts})`,
            ),
        });
        context.log.debug(`${TOOL_NAME}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} tasks in ${Date.now() - started} ms`);
        return successResult(result, input);
      } catch (raw) {
        const error = raw instanceof DbsError ? raw : null;
        if (error === null) {
          // A bug, not an API failure: log its stack (no request data is in it) and answer without details.
          context.log.error(`${TOOL_NAME}: unexpected failure: ${(raw as Error)?.stack ?? String(raw)}`);
          return errorResult(new DbsError('UnexpectedError', 'the server failed while handling this call; see its log'));
        }
        if (error.code === 'Cancelled') context.log.info(`${TOOL_NAME}: cancelled by the client after ${Date.now() - started} ms`);
        else context.log.warning(`${TOOL_NAME}: ${error.code}: ${error.message}`);
        return errorResult(error);
      }
    },
  );
}
