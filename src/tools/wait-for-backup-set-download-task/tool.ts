/** `wait_for_backup_set_download_task`: a plain blocking call, with progress per look and the arguments to keep waiting. */
import { TOOL_NAMES } from '../shared/names.js';
import { defineTool, type ToolRun } from '../shared/tool.js';
import { renderWaitText } from './render.js';
import { inputSchema, outputSchema } from './schema.js';
import { waitForDownloadTask, type LookReport, type WaitInput } from './wait.js';

const DESCRIPTION = [
  'Waits until one DBS backup set download task settles: succeeded, failed (raw init, stop, failed, warning, caught)',
  'or paused (it needs a person); looks every pollIntervalSeconds.',
  'Reaching timeoutSeconds is not an error: the result gives the exact arguments to keep waiting.',
  'Sends progress per look.',
].join(' ');

/** Progress in seconds waited of the timeout, with what the look saw. */
function lookReporter(input: WaitInput, run: ToolRun): ((report: LookReport) => void) | undefined {
  const { onProgress } = run;
  if (onProgress === undefined) return undefined;
  return (report) => {
    const what = report.task === null ? `could not read the task (${report.error?.code})` : `${report.task.state} (${report.task.status ?? 'no status'})`;
    onProgress(report.elapsedMs / 1000, input.timeoutSeconds, `look ${report.look}: ${what}, ${Math.round(report.elapsedMs / 1000)}s of ${input.timeoutSeconds}s`);
  };
}

export const waitForBackupSetDownloadTaskTool = defineTool({
  name: TOOL_NAMES.waitForBackupSetDownloadTask,
  title: 'Wait for a DBS backup set download task',
  description: DESCRIPTION,
  input: inputSchema,
  output: outputSchema,
  prepare: (args): WaitInput => ({ ...args, backupPlanId: args.backupPlanId || undefined, regionId: args.regionId || undefined }),
  run: (input, run) => waitForDownloadTask(input, { ...run, onLook: lookReporter(input, run) }),
  render: renderWaitText,
  logLine: (result, input, ms) => ({
    level: 'info',
    message: `${TOOL_NAMES.waitForBackupSetDownloadTask}: ${input.backupSetDownloadTaskId} ${result.outcome} after ${result.looks} look(s), ${ms} ms`,
  }),
});
