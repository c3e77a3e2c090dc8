/** `list_backup_set_download_tasks`: the download tasks of a plan, with counts, or every field of one task. */
import { ToolError } from '../shared/errors.js';
import { TOOL_NAMES } from '../shared/names.js';
import { FAILED_STATUSES } from '../shared/states.js';
import { defineTool } from '../shared/tool.js';
import { listDownloadTasks, type ListInput } from './list.js';
import { renderText } from './render.js';
import { inputSchema, outputSchema, type ToolInput } from './schema.js';
import { parseInstant, type TimeWindow } from './time-window.js';

const DESCRIPTION = [
  'DBS backup set download tasks of a plan, with counts and sizes by state, database types and failures by reason; or every field of one task.',
  'One page per call unless allPages (for whole-plan questions).',
  `States: pending (checking, check_pass, schedule), running, paused, succeeded (finish), failed (${FAILED_STATUSES.join(', ')};`,
  'init = precheck failed, never started; stop = download failed), unknown.',
].join(' ');

function windowOf(args: ToolInput, nowMs: number): TimeWindow {
  // An empty string counts as unset, as for the ids: some hosts send "" for an optional field left blank.
  const after = args.createdAfter ? parseInstant(args.createdAfter, nowMs) : null;
  const before = args.createdBefore ? parseInstant(args.createdBefore, nowMs) : null;
  for (const [key, text, instant] of [['createdAfter', args.createdAfter, after], ['createdBefore', args.createdBefore, before]] as const) {
    if (text && instant === null) {
      throw new ToolError('InvalidInput', `${key} "${text}" is not an ISO 8601 date (2026-11-20), date-time (2026-11-20T08:00:00Z) or age (90m, 24h, 7d, 2w)`);
    }
  }
  if (after !== null && before !== null && after >= before) {
    throw new ToolError('InvalidInput', 'createdAfter must be earlier than createdBefore (createdBefore is exclusive)');
  }
  return { after, before };
}

/** The arguments as the list takes them; throws a ToolError for what the schema cannot check. */
export function toListInput(args: ToolInput, nowMs = Date.now()): ListInput {
  const backupPlanId = args.backupPlanId || undefined;
  const backupSetDownloadTaskId = args.backupSetDownloadTaskId || undefined;
  if (!backupPlanId && !backupSetDownloadTaskId) {
    throw new ToolError('InvalidInput', 'give backupPlanId or backupSetDownloadTaskId (one of them is required)');
  }
  const window = windowOf(args, nowMs);
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

export const listBackupSetDownloadTasksTool = defineTool({
  name: TOOL_NAMES.listBackupSetDownloadTasks,
  title: 'List DBS backup set download tasks',
  description: DESCRIPTION,
  input: inputSchema,
  output: outputSchema,
  prepare: (args) => toListInput(args),
  run: (input, run) => listDownloadTasks(input, run),
  render: renderText,
  logLine: (result, _input, ms) => ({
    level: 'debug',
    message: `${TOOL_NAMES.listBackupSetDownloadTasks}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} tasks in ${ms} ms`,
  }),
});
