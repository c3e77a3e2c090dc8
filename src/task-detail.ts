/** One task, every field on a line of its own: the one-task view of the text block. */
import { humanSize } from './render.js';
import { statusMeaning, type DownloadTask } from './tasks.js';

export function taskDetailLines(task: DownloadTask): string[] {
  const meaning = statusMeaning(task.status);
  const status = task.status === null ? '-' : meaning === null ? task.status : `${task.status}: ${meaning}`;
  const lines = [
    `Task: ${task.taskId ?? '-'}${task.taskName ? ` (${task.taskName})` : ''}`,
    `State: ${task.state} (${status})`,
    `Backup plan: ${task.backupPlanId ?? '-'}`,
    `Backup set: ${task.backupSetId ?? '-'}${task.backupSetCode ? ` (${task.backupSetCode})` : ''}`,
    `Database type: ${task.dbType ?? '-'}`,
    `Format: ${task.dataFormat ?? '-'}; size ${humanSize(task.dataSizeBytes)}`,
    `Backup kind: ${task.backupKind ?? '-'}${task.jobType ? ` (${task.jobType})` : ''}`,
    `Download way: ${task.downloadWay ?? '-'}; target ${task.targetType ?? '-'}; gateway ${task.gatewayId ?? '-'}`,
    `Download directory: ${task.downloadDir ?? '-'}`,
    `Created: ${task.createdAt ?? '-'}; finished: ${task.finishedAt ?? '-'}`,
    `Error: ${task.errorMessage ?? '-'}`,
  ];
  if (task.internetUrl) lines.push(`Internet URL: ${task.internetUrl}`);
  if (task.intranetUrl) lines.push(`Intranet URL: ${task.intranetUrl}`);
  if (task.internetUrl === undefined && task.hasDownloadUrl) lines.push('Download URL: available; omitted unless includeUrls is true');
  return lines;
}
