/** The wait's text block: the outcome first, then what to do next, then the task field by field. */
import { stateLabel } from '../shared/download-task.js';
import { durationText } from '../shared/format.js';
import { TOOL_NAMES } from '../shared/names.js';
import { taskDetailLines } from '../shared/task-detail.js';
import type { WaitResult } from './schema.js';

/** How long the wait took, to the second: `3m 10s`, `1h 02m 00s`. */
export function waitedText(seconds: number): string {
  return durationText(Math.round(seconds));
}

const MAX_STATUS_CHARS = 40;
const clipStatus = (status: string): string => (status.length > MAX_STATUS_CHARS ? `${status.slice(0, MAX_STATUS_CHARS)}...` : status);

export function renderWaitText(result: WaitResult): string {
  const { task } = result;
  const id = task.taskId ?? 'the task';
  const took = `after ${waitedText(result.waitedSeconds)}, ${result.looks} ${result.looks === 1 ? 'look' : 'looks'}`;
  const where = `(region ${result.request.regionId}, times UTC)`;
  const state = stateLabel(task.state, task.status);
  const lines: string[] = [];
  switch (result.outcome) {
    case 'succeeded':
      lines.push(`${id} succeeded ${took} ${where}.`);
      break;
    case 'failed':
      lines.push(`${id} failed: ${state} ${took} ${where}.`);
      lines.push(`Error: ${task.errorMessage ?? 'the API gave no error message'}`);
      break;
    case 'paused':
      lines.push(`${id} is paused ${took} ${where}: it will not move until someone resumes it, so the wait stopped.`);
      break;
    case 'timeout':
      lines.push(`${id} has not settled ${took} ${where}: it is ${state}. This is not an error.`);
      lines.push(`To keep waiting, call ${TOOL_NAMES.waitForBackupSetDownloadTask} with ${JSON.stringify(result.next)}`);
      break;
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  // A status is a short word; a longer one is cut so that the line stays readable.
  const seen = result.transitions.map((t) => `${t.at.slice(11, 19)} ${clipStatus(t.status ?? t.state)}`);
  const dropped = result.transitionsDropped > 0 ? ` (${result.transitionsDropped} earlier changes left out)` : '';
  lines.push(`Seen${dropped}: ${seen.join(' -> ')}`);
  lines.push(...taskDetailLines(task));
  return lines.join('\n');
}
