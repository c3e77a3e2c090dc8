/** One backup set download task: its states and what each raw status means, its output schema, and the one way the text shows its state. */
import * as z from 'zod';
import { nullableString } from './schema.js';

export const STATES = ['pending', 'running', 'paused', 'succeeded', 'failed', 'unknown'] as const;
export type State = (typeof STATES)[number];

/**
 * The official SDK reference (dbs-20190306) defines `init` as "not started: the precheck failed" and
 * `stop` as "the download task failed"; the older API document calls `warning` failed and `Caught` abnormal.
 */
const STATUS_TABLE: Record<string, { state: State; meaning: string }> = {
  checking: { state: 'pending', meaning: 'precheck running' },
  check_pass: { state: 'pending', meaning: 'precheck passed, not started yet' },
  schedule: { state: 'pending', meaning: 'scheduled, waiting to start' },
  running: { state: 'running', meaning: 'downloading' },
  pause: { state: 'paused', meaning: 'paused' },
  finish: { state: 'succeeded', meaning: 'finished' },
  init: { state: 'failed', meaning: 'precheck failed, not started' },
  stop: { state: 'failed', meaning: 'download task failed' },
  failed: { state: 'failed', meaning: 'failed' },
  warning: { state: 'failed', meaning: 'failed, reported as warning' },
  caught: { state: 'failed', meaning: 'abnormal, counted as failed' },
};

/** Raw statuses that count as failed, for the tool descriptions. */
export const FAILED_STATUSES = Object.keys(STATUS_TABLE).filter((status) => STATUS_TABLE[status]!.state === 'failed');

/** The API mixes cases ("Caught", "finish"): compare lower-cased. */
export function stateOf(status: string | null): State {
  if (status === null) return 'unknown';
  return STATUS_TABLE[status.toLowerCase()]?.state ?? 'unknown';
}

/** What a raw status means, in words; null for a status the API does not document. */
export function statusMeaning(status: string | null): string | null {
  if (status === null) return null;
  return STATUS_TABLE[status.toLowerCase()]?.meaning ?? null;
}

// Statuses whose name already says what the state says: shown beside it without a meaning.
const SELF_EVIDENT = new Set(['finish', 'pause']);

/** The words that explain a raw status beside its state; null where its name says it all. */
export function statusNote(state: State, status: string): string | null {
  const lower = status.toLowerCase();
  if (lower === state || SELF_EVIDENT.has(lower)) return null;
  return statusMeaning(status) ?? 'not a documented status';
}

/**
 * The state as the text shows it: with the raw status beside it wherever the two differ, and its
 * meaning where that adds something: `failed (init: precheck failed, not started)`, `succeeded (finish)`.
 * Table rows leave the meaning out (`withMeaning` false): a summary line gives it once.
 */
export function stateLabel(state: State, status: string | null, withMeaning = true): string {
  if (status === null || status.toLowerCase() === state) return state;
  const note = withMeaning ? statusNote(state, status) : null;
  return note === null ? `${state} (${status})` : `${state} (${status}: ${note})`;
}

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
