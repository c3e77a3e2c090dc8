/** The wait tool, as its contract describes it: a plain blocking call, or an MCP task for clients that run tools as tasks. */
import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REGION_PATTERN } from '../config.js';
import { STATES } from '../tasks.js';
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  renderWaitText,
  WAIT_TOOL_NAME,
  waitForDownloadTask,
  type LookReport,
  type WaitInput,
} from '../wait.js';
import type { ToolContext } from './context.js';
import { failureResult, retryLogger, type ToolExtra } from './run.js';
import { strictInput } from './schema.js';
import { outputSchema as listOutputSchema } from './list-backup-set-download-tasks.js';
import type { ToolTaskStore } from './task-store.js';

// A finished wait's result stays readable this long after the wait's own time (tasks/result).
const RESULT_KEPT_MS = 10 * 60_000;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const inputShape = {
  backupSetDownloadTaskId: z
    .string()
    .min(1, 'backupSetDownloadTaskId is required')
    .max(64, 'backupSetDownloadTaskId is at most 64 characters')
    .regex(ID, 'backupSetDownloadTaskId takes letters, digits, "_", "-" and "." only')
    .describe('Download task ID, e.g. dbstooi01exxxxx'),
  backupPlanId: z
    .string()
    .max(64, 'backupPlanId is at most 64 characters')
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'backupPlanId takes letters, digits, "_", "-" and "." only')
    .optional()
    .describe('Backup plan ID, narrows the lookup'),
  regionId: z
    .string()
    .max(64)
    .regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1')
    .optional()
    .describe('Region, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_TIMEOUT_SECONDS)
    .describe('Longest wait; at the end the result gives the arguments to keep waiting'),
  pollIntervalSeconds: z.number().int().min(2).max(300).default(DEFAULT_POLL_INTERVAL_SECONDS).describe('Seconds between looks; the first is immediate'),
  includeUrls: z.boolean().default(false).describe('Include download URLs; they grant access to backup data'),
};

export const inputSchema = strictInput(inputShape);

export const outputSchema = z.object({
  request: listOutputSchema.shape.request,
  outcome: z.enum(['succeeded', 'failed', 'paused', 'timeout']),
  waitedSeconds: z.number(),
  looks: z.number().int(),
  task: listOutputSchema.shape.tasks.element,
  transitions: z.array(z.object({ at: z.string(), state: z.enum(STATES), status: z.string().nullable() })),
  warnings: z.array(z.string()),
  next: z.record(z.string(), z.unknown()).nullable(),
});

export type WaitToolInput = z.infer<typeof inputSchema>;

const DESCRIPTION = [
  'Waits until one DBS backup set download task settles: succeeded, failed (raw init, stop, failed, warning, caught)',
  'or paused (it needs a person); looks every pollIntervalSeconds.',
  'Reaching timeoutSeconds is not an error: the result gives the exact arguments to keep waiting.',
  'Sends progress per look; can run as an MCP task (see execution.taskSupport).',
].join(' ');

const TITLE = 'Wait for a DBS backup set download task';

function toWaitInput(args: WaitToolInput): WaitInput {
  return { ...args, backupPlanId: args.backupPlanId || undefined, regionId: args.regionId || undefined };
}

/** The whole wait as a tool result; failures become error results, never exceptions. */
async function runWait(context: ToolContext, args: WaitToolInput, signal: AbortSignal, extra: ToolExtra): Promise<CallToolResult> {
  const input = toWaitInput(args);
  const progressToken = extra._meta?.progressToken;
  const started = Date.now();
  const onLook =
    progressToken === undefined
      ? undefined
      : (report: LookReport): void => {
          const what = report.task === null ? `could not read the task (${report.error?.code})` : `${report.task.state} (${report.task.status ?? 'no status'})`;
          const message = `look ${report.look}: ${what}, ${Math.round(report.elapsedMs / 1000)}s of ${input.timeoutSeconds}s`;
          void extra
            .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: report.elapsedMs / 1000, total: input.timeoutSeconds, message } })
            .catch(() => undefined);
        };
  try {
    const result = await waitForDownloadTask(input, {
      client: context.client,
      config: context.config,
      signal,
      onLook,
      onRetry: retryLogger(WAIT_TOOL_NAME, context.log),
    });
    context.log.info(`${WAIT_TOOL_NAME}: ${input.backupSetDownloadTaskId} ${result.outcome} after ${result.looks} look(s), ${Date.now() - started} ms`);
    return { content: [{ type: 'text', text: renderWaitText(result) }], structuredContent: result as unknown as Record<string, unknown> };
  } catch (raw) {
    return failureResult(WAIT_TOOL_NAME, raw, context.log, started);
  }
}

const ANNOTATIONS = { title: TITLE, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/** With a task store, the tool can run as an MCP task too; without one (stateless HTTP), it is a plain tool. */
export function registerWaitForBackupSetDownloadTask(server: McpServer, context: ToolContext, taskStore: ToolTaskStore | null): void {
  if (taskStore === null) {
    const config = { title: TITLE, description: DESCRIPTION, inputSchema, outputSchema, annotations: ANNOTATIONS };
    server.registerTool(WAIT_TOOL_NAME, config, (args, extra) => runWait(context, args, extra.signal, extra));
    return;
  }
  server.experimental.tasks.registerToolTask(
    WAIT_TOOL_NAME,
    { title: TITLE, description: DESCRIPTION, inputSchema, outputSchema, annotations: ANNOTATIONS, execution: { taskSupport: 'optional' } },
    {
      async createTask(raw, extra) {
        // The SDK parsed the arguments with inputSchema before this runs.
        const args = raw as WaitToolInput;
        // The task outlives the wait, so its result can still be fetched once the wait is over.
        const ttl = Math.max(extra.taskRequestedTtl ?? 0, args.timeoutSeconds * 1000 + RESULT_KEPT_MS);
        const task = await extra.taskStore.createTask({ ttl });
        const plainCall = taskStore.isPlainCall(task.taskId);
        // A plain call is cancelled through its request; a task through tasks/cancel (or the server closing).
        const signal = taskStore.startWork(task.taskId, plainCall ? extra.signal : undefined);
        const work = runWait(context, args, signal, extra)
          // A completed task even when the download failed: the result's text says so, and stays readable.
          .then((result) => extra.taskStore.storeTaskResult(task.taskId, 'completed', result))
          // Cancelled, or the server closed: the task is no longer there to take a result.
          .catch((error: unknown) => context.log.debug(`${WAIT_TOOL_NAME}: task ${task.taskId} kept no result: ${(error as Error).message}`))
          .finally(() => taskStore.endWork(task.taskId));
        if (!plainCall) return { task };
        await work;
        return { task: await extra.taskStore.getTask(task.taskId) };
      },
      getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: async (_args, extra) => (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
    },
  );
}
