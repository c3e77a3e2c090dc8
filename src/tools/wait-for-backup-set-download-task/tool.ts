/** `wait_for_backup_set_download_task`: a plain blocking call, with progress per look and the arguments to keep waiting. */
import * as z from 'zod';
import { regionIdSchema, strictInput } from '../shared/input.js';
import { TOOL_NAMES } from '../shared/names.js';
import { defineTool, type ToolRun } from '../shared/tool.js';
import { waitGateOf } from './gate.js';
import { renderWaitText } from './render.js';
import { outputSchema } from './schema.js';
import { waitForDownloadTask, type LookReport, type WaitInput } from './wait.js';

export const DEFAULT_TIMEOUT_SECONDS = 50;
export const DEFAULT_POLL_INTERVAL_SECONDS = 10;

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
  regionId: regionIdSchema('Region, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
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

const inputSchema = strictInput(inputShape);

const DESCRIPTION = [
  'Waits until one DBS backup set download task settles: succeeded, failed (raw init, stop, failed, warning, caught)',
  'or paused (it needs a person); looks every pollIntervalSeconds.',
  'Reaching timeoutSeconds is not an error: the result gives the exact arguments to keep waiting.',
  'Three failed looks in a row end it with the error.',
  'Sends progress per look.',
].join(' ');

/** Progress in seconds waited of the timeout, with what the look saw. */
function lookReporter(input: WaitInput, run: ToolRun): ((report: LookReport) => void) | undefined {
  const { onProgress } = run;
  if (onProgress === undefined) return undefined;
  return (report) => {
    const what = report.task === null ? `could not read the task (${report.error?.code})` : `${report.task.state} (${report.task.status ?? 'no status'})`;
    onProgress(
      report.elapsedMs / 1000,
      input.timeoutSeconds,
      `look ${report.look}: ${what}, ${Math.round(report.elapsedMs / 1000)}s of ${input.timeoutSeconds}s`,
    );
  };
}

export const waitForBackupSetDownloadTaskTool = defineTool({
  name: TOOL_NAMES.waitForBackupSetDownloadTask,
  title: 'Wait for a DBS backup set download task',
  description: DESCRIPTION,
  input: inputSchema,
  output: outputSchema,
  prepare: (args): WaitInput => ({ ...args, backupPlanId: args.backupPlanId || undefined, regionId: args.regionId || undefined }),
  run: async (input, run) => {
    const leave = waitGateOf(run.client, run.config.maxWaits).enter(run.clientId);
    try {
      return await waitForDownloadTask(input, { ...run, onLook: lookReporter(input, run) });
    } finally {
      leave();
    }
  },
  render: renderWaitText,
  logLine: (result, input, ms) => ({
    level: 'info',
    message: `${TOOL_NAMES.waitForBackupSetDownloadTask}: ${input.backupSetDownloadTaskId} ${result.outcome} after ${result.looks} look(s), ${ms} ms`,
  }),
});
