/** The text block: everything a model needs to answer from, in far fewer bytes than the raw API JSON. */
import type { ListResult } from './list.js';
import { STATES, type DownloadTask } from './tasks.js';

export const TOOL_NAME = 'list_backup_set_download_tasks';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function humanSize(bytes: number | null): string {
  if (bytes === null) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** `2026-11-27 10:05`: minutes are enough to answer from, and the header says UTC once. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function clip(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Words split by single spaces, no pipes: most names and ids, which go into a cell as they are.
const PLAIN = /^[^\s|]+(?: [^\s|]+)*$/;

/** Table cells must not break the row: no pipes, no line breaks. */
function cell(value: string | null, max = 40): string {
  if (value === null) return '-';
  if (value.length <= max && PLAIN.test(value)) return value;
  return clip(value, max).replace(/\|/g, '/');
}

function subject(result: ListResult, input: { backupPlanId?: string | undefined; backupSetDownloadTaskId?: string | undefined }): string {
  const parts: string[] = [];
  if (input.backupPlanId) parts.push(`plan ${input.backupPlanId}`);
  if (input.backupSetDownloadTaskId) parts.push(`task ${input.backupSetDownloadTaskId}`);
  parts.push(`region ${result.request.regionId}`);
  return parts.join(', ');
}

/** Named after the pageNum argument, so a model maps it onto the next call: "pageNum 0 (of pages 0-2, ...)". */
function pagePosition(result: ListResult): string {
  const { pageNum, pagesFetched, totalPages, pageSize } = result.page;
  const range = pagesFetched === 1 ? `pageNum ${pageNum}` : `pageNum ${pageNum}-${pageNum + pagesFetched - 1}`;
  const of = totalPages === null ? '' : totalPages === 0 ? 'no pages, ' : `of pages 0-${totalPages - 1}, `;
  return `${range} (${of}${pageSize} tasks per page)`;
}

function row(task: DownloadTask): string {
  return [
    cell(task.taskId),
    cell(task.taskName, 32),
    task.state === 'unknown' ? `unknown(${cell(task.status, 20)})` : task.state,
    cell(task.dataFormat, 12),
    humanSize(task.dataSizeBytes),
    shortTime(task.createdAt),
    shortTime(task.finishedAt),
  ].join(' | ');
}

export function renderText(
  result: ListResult,
  input: { backupPlanId?: string | undefined; backupSetDownloadTaskId?: string | undefined; states: readonly string[] },
): string {
  const { summary, page } = result;
  const lines: string[] = [];
  const total = page.totalElements === null ? '' : `, ${page.totalElements} in total`;
  lines.push(`Backup set download tasks for ${subject(result, input)}: ${pagePosition(result)}${total}.`);
  const filter = input.states.length > 0 ? ` in states ${input.states.join('/')}` : '';
  lines.push(`Fetched ${summary.fetched}, matched ${summary.matched}${filter}, listed ${summary.listed} (newest first, times UTC).`);
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);

  if (summary.matched > 0) {
    const counts = STATES.filter((s) => summary.byState[s] > 0).map((s) => `${s} ${summary.byState[s]}`);
    const unknown = Object.keys(summary.byStatus).filter((status) => !STATES.includes(status as never) && result.tasks.some((t) => t.status === status && t.state === 'unknown'));
    const unknownNote = unknown.length > 0 ? ` (unrecognised statuses: ${unknown.join(', ')})` : '';
    lines.push(`By state: ${counts.join(', ')}${unknownNote}.`);
    lines.push(
      `Total size ${humanSize(summary.totalDataSizeBytes)}; created ${shortTime(summary.oldestCreatedAt)} to ${shortTime(summary.newestCreatedAt)}.`,
    );
  }
  if (summary.failedTasks.length > 0) {
    const more = summary.byState.failed > summary.failedTasks.length ? ` (first ${summary.failedTasks.length} shown)` : '';
    lines.push(`Failed tasks: ${summary.byState.failed}${more}`);
    for (const failed of summary.failedTasks) {
      lines.push(`- ${cell(failed.taskId)} ${cell(failed.taskName, 32)} [${cell(failed.status, 20)}]: ${failed.errorMessage === null ? 'no error message' : clip(failed.errorMessage, 160)}`);
    }
  }
  if (result.tasks.length > 0) {
    lines.push('id | name | state | format | size | created | finished');
    for (const task of result.tasks) lines.push(row(task));
    if (summary.matched > summary.listed) lines.push(`(${summary.matched - summary.listed} more matched tasks not listed: raise limit to see them)`);
  } else {
    lines.push(summary.fetched === 0 ? 'No download tasks.' : 'No task matches the requested states.');
  }
  const withUrls = result.tasks.filter((t) => t.internetUrl || t.intranetUrl);
  if (withUrls.length > 0) {
    // Only reached with includeUrls: the caller asked for these links explicitly.
    lines.push('Download URLs (they grant access to the backup data):');
    for (const task of withUrls) {
      const urls = [task.internetUrl ? `internet ${task.internetUrl}` : null, task.intranetUrl ? `intranet ${task.intranetUrl}` : null];
      lines.push(`- ${cell(task.taskId)}: ${urls.filter(Boolean).join('; ')}`);
    }
  } else if (result.tasks.some((t) => t.hasDownloadUrl) && result.tasks.every((t) => t.internetUrl === undefined)) {
    lines.push('Download URLs exist for some tasks; they are omitted unless includeUrls is true.');
  }
  if (result.nextArguments !== null) {
    lines.push(`More pages: call ${TOOL_NAME} with ${JSON.stringify(result.nextArguments)}`);
  }
  return lines.join('\n');
}
