/** One download task, every field on a line of its own: the one-task view of the text block. */
import { stateLabel, type DownloadTask } from './download-task.js';
import { durationText, fullTime, humanSize } from './format.js';

const orNone = (value: string | null): string => (value === null ? 'none' : value.replace(/\s+/g, ' '));

function sizeText(bytes: number | null): string {
  if (bytes === null) return 'not reported';
  return bytes < 1024 ? `${bytes} bytes` : `${humanSize(bytes)} (${bytes} bytes)`;
}

/**
 * URLs appear only when they are on the task, which only `includeUrls` does; otherwise one line says
 * whether there is one to ask for.
 */
function urlLines(task: DownloadTask): string[] {
  if (task.internetUrl !== undefined || task.intranetUrl !== undefined) {
    if (!task.internetUrl && !task.intranetUrl) return ['Download URL: none (the API gave no download URL)'];
    return [`Internet URL: ${orNone(task.internetUrl ?? null)}`, `Intranet URL: ${orNone(task.intranetUrl ?? null)}`];
  }
  return [
    task.hasDownloadUrl ? 'Download URL: yes, hidden (call again with includeUrls: true to see it)' : 'Download URL: none (the API gave no download URL)',
  ];
}

export function taskDetailLines(task: DownloadTask): string[] {
  const kind = task.backupKind === null ? '' : ` (${task.backupKind})`;
  const code = task.backupSetCode !== null && task.backupSetCode !== task.backupSetId ? `, code ${task.backupSetCode}` : '';
  return [
    `Task: ${orNone(task.taskId)}`,
    `Name: ${orNone(task.taskName)}`,
    `State: ${stateLabel(task.state, task.status)}`,
    `Backup plan: ${orNone(task.backupPlanId)}`,
    `Database type: ${orNone(task.dbType)}`,
    `Backup set: ${orNone(task.backupSetId)}${code}`,
    `Job type: ${orNone(task.jobType)}${kind}`,
    `Data format: ${orNone(task.dataFormat)}`,
    `Data size: ${sizeText(task.dataSizeBytes)}`,
    `Download way: ${orNone(task.downloadWay)}`,
    `Target type: ${orNone(task.targetType)}`,
    `Backup gateway: ${orNone(task.gatewayId)}`,
    `Download directory: ${orNone(task.downloadDir)}`,
    `Created: ${task.createdAt === null ? 'no creation time' : fullTime(task.createdAt)}`,
    `Finished: ${task.finishedAt === null ? 'no finish time' : fullTime(task.finishedAt)}`,
    `Duration: ${task.durationSeconds !== null ? durationText(task.durationSeconds) : task.finishedAt === null ? 'none (not finished)' : 'none'}`,
    `Error: ${task.errorMessage === null ? 'none' : task.errorMessage.replace(/\s+/g, ' ')}`,
    ...urlLines(task),
  ];
}
