/** The text block: everything a model needs to answer from, in far fewer bytes than the raw API JSON. */
import { STATES, stateLabel, stateOf, statusNote, type DownloadTask } from '../shared/download-task.js';
import { count, durationText, humanSize, pageNumRange, pagePosition, shortTime } from '../shared/format.js';
import { TOOL_NAMES } from '../shared/names.js';
import { cell, clip } from '../shared/table.js';
import { taskDetailLines } from '../shared/task-detail.js';
import { wholePlanArgumentsOf, type ListInput } from './args.js';
import { NONE, NO_ERROR_MESSAGE, type ListResult, type Summary } from './schema.js';
import type { TimeWindow } from './time-window.js';

export const call = (args: Record<string, unknown>): string => `${TOOL_NAMES.listBackupSetDownloadTasks} with ${JSON.stringify(args)}`;

function windowText(what: string, window: TimeWindow | undefined): string | null {
  if (window === undefined) return null;
  const { after, before } = window;
  const at = (ms: number): string => shortTime(new Date(ms).toISOString());
  if (after !== null && before !== null) return `${what} from ${at(after)} to before ${at(before)}`;
  if (after !== null) return `${what} at or after ${at(after)}`;
  if (before !== null) return `${what} before ${at(before)}`;
  return null;
}

export function filterText(input: ListInput): string {
  const parts: string[] = [];
  if (input.states.length > 0) parts.push(`states ${input.states.join('/')}`);
  for (const window of [windowText('created', input.window), windowText('finished', input.finishedWindow)]) {
    if (window !== null) parts.push(window);
  }
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

export const ORDER: Record<ListInput['sortBy'], string> = {
  created: 'newest first by creation time',
  finished: 'newest first by finish time, unfinished last',
  duration: 'longest first by duration, unfinished last',
  size: 'largest first by size, tasks without a size last',
};

/** First, and plainly: the counts cover only what was read, and the call that reads the rest. */
function coverageLines(result: ListResult, input: ListInput): string[] {
  const { coverage } = result.summary;
  if (coverage.complete) return [];
  const { pageNum, pagesFetched } = result.page;
  const pages = pageNumRange(pageNum, pagesFetched);
  const of = coverage.totalElements === null ? 'tasks (the API gave no total)' : `of ${count(coverage.totalElements)} tasks`;
  const lines = [
    `Partial result: this call read ${count(coverage.tasksRead)} ${of} of this plan (${pages}): the counts below cover those ${count(coverage.tasksRead)} only.`,
  ];
  const whole = wholePlanArgumentsOf(input, coverage.totalElements);
  if (whole !== null) lines.push(`For counts over the whole plan, call ${call(whole)}.`);
  else if (result.nextArguments !== null) lines.push(`Read the rest page by page, starting with ${call(result.nextArguments)}, and add up the counts.`);
  return lines;
}

export function stateCounts(summary: Summary): string {
  const parts = STATES.filter((s) => summary.byState[s] > 0).map((s) => `${s} ${count(summary.byState[s])} (${humanSize(summary.dataSizeBytesByState[s])})`);
  return `By state (count, data size): ${parts.join(', ')}.`;
}

/** The raw statuses behind each state, with their meanings; null when every raw status is its state's own name. */
export function rawStatusLine(summary: Summary): string | null {
  const groups: string[] = [];
  for (const state of STATES) {
    const statuses = Object.keys(summary.byStatus).filter((status) => stateOf(status === NONE ? null : status) === state);
    if (statuses.every((status) => status.toLowerCase() === state)) continue;
    const parts = statuses.map((status) => {
      const n = count(summary.byStatus[status]!);
      if (status === NONE) return `no status ${n}`;
      const note = statusNote(state, status);
      return note === null ? `${status} ${n}` : `${status} ${n} (${note})`;
    });
    groups.push(`${state} = ${parts.join(', ')}`);
  }
  return groups.length === 0 ? null : `Raw statuses: ${groups.join('; ')}.`;
}

function dbTypeLine(summary: Summary): string {
  const entries = Object.entries(summary.byDbType).sort((a, b) => Number(a[0] === NONE) - Number(b[0] === NONE) || b[1] - a[1] || a[0].localeCompare(b[0]));
  return `Database types: ${entries.map(([type, n]) => `${type === NONE ? 'not reported' : type} ${count(n)}`).join(', ')}.`;
}

function failureLines(summary: Summary): string[] {
  const failed = summary.byState.failed;
  if (failed === 0) return [];
  const lines = [`Failures by reason (${count(failed)} failed, most frequent first):`];
  for (const { reason, count: n, taskIds } of summary.failureReasons) {
    const more = n > taskIds.length ? ` and ${count(n - taskIds.length)} more` : '';
    const what = reason === NO_ERROR_MESSAGE ? NO_ERROR_MESSAGE : `"${clip(reason, 200)}"`;
    lines.push(`- ${count(n)} × ${what}: ${taskIds.join(', ')}${more}`);
  }
  const shown = summary.failedTasks.length < failed ? ` (newest ${summary.failedTasks.length} shown)` : '';
  lines.push(`Failed tasks: ${count(failed)}${shown}`);
  return lines;
}

/** The state with its raw status only where the status says more: `failed (stop)`, not `succeeded (finish)`. */
function rowState(task: DownloadTask): string {
  if (task.status === null || statusNote(task.state, task.status) === null) return task.state;
  // The raw status only: its meaning is on the "Raw statuses" line, once rather than on every row.
  return stateLabel(task.state, task.status, false);
}

interface Column {
  name: string;
  value: (task: DownloadTask) => string;
  /** Said once above the table instead when every listed row has the same value. */
  foldable?: boolean;
}

const COLUMNS: readonly Column[] = [
  { name: 'id', value: (t) => cell(t.taskId) },
  { name: 'name', value: (t) => cell(t.taskName, 32) },
  { name: 'state', value: (t) => cell(rowState(t), 60) },
  { name: 'db', value: (t) => cell(t.dbType, 16), foldable: true },
  { name: 'format', value: (t) => cell(t.dataFormat, 12), foldable: true },
  { name: 'size', value: (t) => humanSize(t.dataSizeBytes) },
  { name: 'created', value: (t) => shortTime(t.createdAt) },
  { name: 'finished', value: (t) => shortTime(t.finishedAt) },
  { name: 'took', value: (t) => (t.durationSeconds === null ? '-' : durationText(t.durationSeconds)) },
];

// Across plans, each row says its plan (and, when every row is of one plan, the line above the table does).
const PLAN_COLUMN: Column = { name: 'plan', value: (t) => cell(t.backupPlanId), foldable: true };

/** The task table; a column with one value on every row (a plan's database type) is said once above it instead. */
export function taskTableLines(tasks: readonly DownloadTask[], withPlan = false): string[] {
  const columns = withPlan ? [COLUMNS[0]!, PLAN_COLUMN, ...COLUMNS.slice(1)] : COLUMNS;
  const first = tasks[0];
  const folded = first === undefined || tasks.length < 2 ? [] : columns.filter((c) => c.foldable && tasks.every((t) => c.value(t) === c.value(first)));
  const shown = columns.filter((c) => !folded.includes(c));
  const lines: string[] = [];
  if (first !== undefined && folded.length > 0) {
    const same = folded.map((c) => `${c.name} ${c.value(first) === '-' ? 'not reported' : c.value(first)}`);
    lines.push(`Every listed task: ${same.join(', ')}.`);
  }
  lines.push(shown.map((c) => c.name).join(' | '));
  for (const task of tasks) lines.push(shown.map((c) => c.value(task)).join(' | '));
  return lines;
}

export function urlLines(result: ListResult): string[] {
  const withUrls = result.tasks.filter((t) => t.internetUrl || t.intranetUrl);
  if (withUrls.length > 0) {
    // Only reached with includeUrls: the caller asked for these links explicitly.
    const lines = ['Download URLs (they grant access to the backup data):'];
    for (const task of withUrls) {
      const urls = [task.internetUrl ? `internet ${task.internetUrl}` : null, task.intranetUrl ? `intranet ${task.intranetUrl}` : null];
      lines.push(`- ${cell(task.taskId)}: ${urls.filter(Boolean).join('; ')}`);
    }
    return lines;
  }
  if (result.tasks.some((t) => t.hasDownloadUrl) && result.tasks.every((t) => t.internetUrl === undefined)) {
    return ['Download URLs exist for some tasks; they are omitted unless includeUrls is true.'];
  }
  return [];
}

function oneTaskText(result: ListResult, input: ListInput): string {
  const taskId = input.backupSetDownloadTaskId!;
  const where = `region ${result.request.regionId}${input.backupPlanId ? `, plan ${input.backupPlanId}` : ''}`;
  const lines = result.warnings.map((w) => `Warning: ${w}`);
  const task = result.tasks[0];
  if (task !== undefined) {
    lines.unshift(`Download task ${taskId} (${where}, times UTC):`);
    lines.push(...taskDetailLines(task));
  } else if (result.summary.fetched > 0) {
    lines.unshift(`Download task ${taskId} (${where}) exists but does not match the requested${filterText(input)}.`);
  } else {
    lines.unshift(`No download task ${taskId} was found in ${where}: check the task id, and that the region is the one its plan lives in.`);
  }
  return lines.join('\n');
}

export function renderText(result: ListResult, input: ListInput): string {
  if (input.backupSetDownloadTaskId) return oneTaskText(result, input);
  const { summary, page } = result;
  const lines = coverageLines(result, input);
  const total = page.totalElements === null ? '' : `, ${count(page.totalElements)} in total`;
  const subject = `plan ${input.backupPlanId ?? '-'}, region ${result.request.regionId}`;
  lines.push(`Backup set download tasks for ${subject}: ${pagePosition(result.page, 'task')}${total}.`);
  const filter = filterText(input);
  lines.push(
    `Read ${count(summary.fetched)}, matched ${count(summary.matched)}${filter}, listed ${count(summary.listed)}, ${ORDER[input.sortBy]} (times UTC).`,
  );
  if (page.pagesFetched === 1 && page.totalPages !== null && page.totalPages > 1) {
    lines.push(
      input.sortBy === 'created' || input.sortBy === 'finished'
        ? 'Order: newest first holds within this page only; the API does not order pages by time. Use allPages: true for the newest tasks of the plan.'
        : 'Order: largest first holds within this page only; the API does not order pages. Use allPages: true for the largest tasks of the plan.',
    );
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);

  if (summary.fetched === 0) {
    if (page.pageNum === 0) lines.push(`Plan ${input.backupPlanId ?? '-'} has no download tasks in region ${result.request.regionId}.`);
    else lines.push(`pageNum ${page.pageNum} is past the last page: nothing was read. Start again at pageNum 0.`);
    return lines.join('\n');
  }
  if (summary.matched === 0) {
    lines.push(`No task matches the requested${filter}.`);
    return lines.join('\n');
  }
  lines.push(stateCounts(summary));
  const raw = rawStatusLine(summary);
  if (raw !== null) lines.push(raw);
  lines.push(dbTypeLine(summary));
  lines.push(`Total size ${humanSize(summary.totalDataSizeBytes)}; created ${shortTime(summary.oldestCreatedAt)} to ${shortTime(summary.newestCreatedAt)}.`);
  lines.push(...failureLines(summary));
  for (const failed of summary.failedTasks) {
    const error = failed.errorMessage === null ? NO_ERROR_MESSAGE : clip(failed.errorMessage, 160);
    lines.push(`- ${cell(failed.taskId)} ${cell(failed.taskName, 32)}: ${stateLabel('failed', failed.status)}: ${error}`);
  }
  lines.push(...taskTableLines(result.tasks));
  if (summary.matched > summary.listed) lines.push(`(${count(summary.matched - summary.listed)} more matched tasks not listed: raise limit to see them)`);
  lines.push(...urlLines(result));
  if (result.nextArguments !== null) lines.push(`More pages: call ${call(result.nextArguments)}`);
  return lines.join('\n');
}
