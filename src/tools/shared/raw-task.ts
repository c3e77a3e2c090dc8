/** A raw DescribeBackupSetDownloadTaskList item as the DownloadTask the tools return. */
import { isoTime } from '../../time.js';
import { backupKindOf, stateOf, type DownloadTask } from './download-task.js';
import { epochMs, numeric, text, urlText, type RawItem } from './raw.js';

function gatewayIdOf(value: unknown): string | null {
  const id = text(value);
  return id !== null && /^-?\d+$/.test(id) && id !== '0' ? id : null;
}

function durationOf(createdMs: number | null, finishedMs: number | null): number | null {
  if (createdMs === null || finishedMs === null) return null;
  const seconds = Math.round((finishedMs - createdMs) / 1000);
  return seconds >= 0 ? seconds : null;
}

/** A size past Number.MAX_SAFE_INTEGER bytes is no real size (and a few of them sum to Infinity): not reported. */
export function dataSizeOf(raw: RawItem): number | null {
  const size = numeric(raw.BackupSetDataSize);
  return size !== null && size >= 0 && size <= Number.MAX_SAFE_INTEGER ? size : null;
}

/** How many of `items` carry a size too large to be real. */
export function impossibleSizes(items: readonly RawItem[]): number {
  return items.filter((raw) => (numeric(raw.BackupSetDataSize) ?? 0) > Number.MAX_SAFE_INTEGER).length;
}

export function normaliseTask(raw: RawItem, includeUrls: boolean): DownloadTask {
  const status = text(raw.BackupSetDownloadStatus);
  const createdMs = epochMs(raw.BackupSetDownloadCreateTime);
  const finishedMs = epochMs(raw.BackupSetDownloadFinishTime);
  const jobType = text(raw.BackupSetJobType);
  const internetUrl = urlText(raw.BackupSetDownloadInternetUrl);
  const intranetUrl = urlText(raw.BackupSetDownloadIntranetUrl);
  const task: DownloadTask = {
    taskId: text(raw.BackupSetDownloadTaskId),
    taskName: text(raw.BackupSetDownloadTaskName),
    backupPlanId: text(raw.BackupPlanId),
    backupSetId: text(raw.BackupSetId),
    backupSetCode: text(raw.BackupSetCode),
    dbType: text(raw.BackupSetDbType),
    dataFormat: text(raw.BackupSetDataFormat),
    dataSizeBytes: dataSizeOf(raw),
    jobType,
    backupKind: backupKindOf(jobType),
    downloadWay: text(raw.BackupSetDownloadWay),
    targetType: text(raw.BackupSetDownloadTargetType),
    gatewayId: gatewayIdOf(raw.BackupGatewayId),
    downloadDir: text(raw.BackupSetDownloadDir),
    status,
    state: stateOf(status),
    createdAt: createdMs === null ? null : isoTime(createdMs),
    finishedAt: finishedMs === null ? null : isoTime(finishedMs),
    durationSeconds: durationOf(createdMs, finishedMs),
    errorMessage: text(raw.ErrMessage),
    hasDownloadUrl: internetUrl !== null || intranetUrl !== null,
  };
  if (includeUrls) {
    task.internetUrl = internetUrl;
    task.intranetUrl = intranetUrl;
  }
  return task;
}
