/** One backup set download task: its output schema, how a raw item becomes one, and the one call that reads them. */
import * as z from 'zod';
import type { PageRequest, PageResult } from '../../dbs/client.js';
import type { Endpoint } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import { isoTime } from '../../time.js';
import { TOOL_NAMES } from './names.js';
import type { ListDeps } from './paging.js';
import { epochMs, numeric, text, urlText, type RawItem } from './raw.js';
import { nullableString } from './schema.js';
import { STATES, stateOf } from './states.js';

export const downloadTaskSchema = z.object({
  taskId: nullableString,
  taskName: nullableString,
  backupPlanId: nullableString,
  backupSetId: nullableString,
  backupSetCode: nullableString,
  dbType: nullableString,
  dataFormat: nullableString,
  dataSizeBytes: z.number().nullable(),
  jobType: nullableString,
  backupKind: z.enum(['full', 'incremental']).nullable(),
  downloadWay: nullableString,
  targetType: nullableString,
  gatewayId: nullableString,
  downloadDir: nullableString,
  status: nullableString,
  state: z.enum(STATES),
  createdAt: nullableString,
  finishedAt: nullableString,
  durationSeconds: z.number().nullable(),
  errorMessage: nullableString,
  hasDownloadUrl: z.boolean(),
  internetUrl: nullableString.optional(),
  intranetUrl: nullableString.optional(),
});

export type DownloadTask = z.infer<typeof downloadTaskSchema>;

export function backupKindOf(jobType: string | null): DownloadTask['backupKind'] {
  if (jobType === null) return null;
  const lower = jobType.toLowerCase();
  if (lower === 'cbs_backup_sub_full' || lower.endsWith('_full') || lower === 'full') return 'full';
  if (lower === 'cbs_backup_sub_cont' || lower.endsWith('_cont') || lower.includes('incr')) return 'incremental';
  return null;
}

function gatewayIdOf(value: unknown): string | null {
  const id = text(value);
  return id !== null && /^-?\d+$/.test(id) && id !== '0' ? id : null;
}

function durationOf(createdMs: number | null, finishedMs: number | null): number | null {
  if (createdMs === null || finishedMs === null) return null;
  const seconds = Math.round((finishedMs - createdMs) / 1000);
  return seconds >= 0 ? seconds : null;
}

export function normaliseTask(raw: RawItem, includeUrls: boolean): DownloadTask {
  const status = text(raw.BackupSetDownloadStatus);
  const createdMs = epochMs(raw.BackupSetDownloadCreateTime);
  const finishedMs = epochMs(raw.BackupSetDownloadFinishTime);
  const size = numeric(raw.BackupSetDataSize);
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
    dataSizeBytes: size !== null && size >= 0 ? size : null,
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

/** The one call of DescribeBackupSetDownloadTaskList: one page, retries reported with its page number. */
export function describeTaskPage(deps: Pick<ListDeps, 'client' | 'signal' | 'onRetry'>, endpoint: Endpoint, request: PageRequest): Promise<PageResult> {
  return deps.client.describePage(endpoint, request, { signal: deps.signal, onRetry: (notice) => deps.onRetry?.(notice, request.pageNum) });
}

/**
 * The API answers an unknown plan with a parameter error that names neither the plan nor the region;
 * a plan lives in one region, so the region it was looked up in is the first thing to check.
 */
export function planNotFound(error: unknown, backupPlanId: string | undefined, regionId: string, host: string): unknown {
  if (!(error instanceof DbsError) || !backupPlanId) return error;
  if (error.code !== 'Param.NotFound' && !/BackupPlanId/i.test(error.code)) return error;
  const message = `backup plan ${backupPlanId} was not found in region ${regionId} (endpoint ${host}; ${TOOL_NAMES.listBackupPlans} lists the plans of a region): ${error.message}`;
  const wrapped = new DbsError(error.code, message, { httpStatus: error.httpStatus, requestId: error.requestId, retryable: false, authAction: error.authAction });
  wrapped.attempts = error.attempts;
  return wrapped;
}
