/** `list_backup_plans`: the backup plans of a region, which need attention, and their ids for the next step. */
import { TOOL_NAMES } from '../shared/names.js';
import { defineTool } from '../shared/tool.js';
import { listBackupPlans } from './list.js';
import { renderPlansText } from './render.js';
import { inputSchema, outputSchema } from './schema.js';

const DESCRIPTION = [
  'Lists the Alibaba Cloud DBS backup plans of a region: which plans exist, their status, database and source, and which need attention with their precheck error.',
  'Use it first when the user names no backup plan id (e.g. "did any of my backup downloads fail?", "which plans are failing?").',
  'Reads every page by default. Statuses: wait = not configured, init = not started (precheck failed), check_pass, running, pause, stop = failed, locked.',
  `Next step: pass a plan's backupPlanId to ${TOOL_NAMES.listBackupSetDownloadTasks} for its download tasks.`,
].join(' ');

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
