/** Pure functions from raw DescribeBackupPlanList items to the plans and summary `list_backup_plans` returns. */
import type { RawItem as RawPlan } from './dbs/page.js';
import { redactSecrets } from './redact.js';
import { isoTime } from './time.js';

/** The raw plan statuses, in the order a reader meets them in a plan's life. */
export const PLAN_STATUSES = ['wait', 'init', 'check_pass', 'running', 'pause', 'stop', 'locked'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The official SDK reference's meanings. */
export const PLAN_STATUS_MEANINGS: Record<PlanStatus, string> = {
  wait: 'not configured',
  init: 'not started: precheck failed',
  check_pass: 'precheck passed',
  running: 'running',
  pause: 'paused',
  stop: 'failed',
  locked: 'locked',
};

/** Plans in these statuses do not back up and need someone to act. */
export const ATTENTION_STATUSES: ReadonlySet<string> = new Set(['init', 'stop', 'locked', 'wait']);
export const MAX_ATTENTION_IN_SUMMARY = 50;

export interface PlanDetails {
  sourceUser: string | null;
  sourceIpPort: string | null;
  ossBucket: string | null;
  ossRegion: string | null;
  crossAccountId: string | null;
  crossRoleName: string | null;
}

export interface BackupPlan {
  backupPlanId: string | null;
  backupPlanName: string | null;
  /** Raw, as received. */
  status: string | null;
  /** What the status means; null for a status the API reference does not define. */
  statusMeaning: string | null;
  dbType: string | null;
  backupMethod: string | null;
  sourceType: string | null;
  sourceInstanceId: string | null;
  sourceRegion: string | null;
  createdAt: string | null;
  retentionDays: number | null;
  storage: string | null;
  autoDownload: boolean | null;
  downloadTargetType: string | null;
  downloadDir: string | null;
  downloadFormats: { full: string | null; incremental: string | null };
  restorableFrom: string | null;
  restorableTo: string | null;
  errorMessage: string | null;
  /** Only with includeEndpointDetails: they describe the customer's infrastructure. */
  details?: PlanDetails;
}

export interface AttentionPlan {
  backupPlanId: string | null;
  backupPlanName: string | null;
  status: string | null;
  errorMessage: string | null;
}

export interface PlanSummary {
  /** Distinct plans received. */
  fetched: number;
  listed: number;
  byStatus: Record<string, number>;
  byDbType: Record<string, number>;
  /** The newest plans that need attention, at most MAX_ATTENTION_IN_SUMMARY. */
  attention: AttentionPlan[];
  attentionTotal: number;
}

/** Every string is the service's: none may carry a signed URL into the model's context. */
function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : redactSecrets(trimmed);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function numeric(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** Epoch milliseconds; 0, "" or missing mean none. */
function time(value: unknown): string | null {
  const n = numeric(value);
  if (n === null || n <= 0 || n > 8.64e15) return null;
  return isoTime(Math.trunc(n));
}

/** The API's status is lower case; compare so, but keep the raw value in `status`. */
export function planStatusMeaning(status: string | null): string | null {
  if (status === null) return null;
  return PLAN_STATUS_MEANINGS[status.toLowerCase() as PlanStatus] ?? null;
}

export function needsAttention(status: string | null): boolean {
  return status !== null && ATTENTION_STATUSES.has(status.toLowerCase());
}

/** BackupStorageType: "" is the user's own OSS bucket, "system" DBS's built-in storage. */
export function storageOf(value: unknown): string | null {
  if (value === '') return 'user OSS';
  const raw = text(value);
  if (raw === null) return null;
  return raw.toLowerCase() === 'system' ? 'DBS built-in' : raw;
}

export function normalisePlan(raw: RawPlan, includeEndpointDetails: boolean): BackupPlan {
  const status = text(raw.BackupPlanStatus);
  const retention = numeric(raw.BackupRetentionPeriod);
  const error = text(raw.ErrMessage);
  const plan: BackupPlan = {
    backupPlanId: text(raw.BackupPlanId),
    backupPlanName: text(raw.BackupPlanName),
    status,
    statusMeaning: planStatusMeaning(status),
    dbType: text(raw.DatabaseType),
    backupMethod: text(raw.BackupMethod),
    sourceType: text(raw.SourceEndpointInstanceType),
    sourceInstanceId: text(raw.SourceEndpointInstanceID),
    sourceRegion: text(raw.SourceEndpointRegion),
    createdAt: time(raw.BackupPlanCreateTime),
    retentionDays: retention !== null && retention >= 0 ? retention : null,
    storage: storageOf(raw.BackupStorageType),
    autoDownload: bool(raw.OpenBackupSetAutoDownload),
    downloadTargetType: text(raw.BackupSetDownloadTargetType),
    downloadDir: text(raw.BackupSetDownloadDir),
    downloadFormats: { full: text(raw.BackupSetDownloadFullDataFormat), incremental: text(raw.BackupSetDownloadIncrementDataFormat) },
    restorableFrom: time(raw.BeginTimestampForRestore),
    restorableTo: time(raw.EndTimestampForRestore),
    // The precheck error is the diagnosis the user needs: shown as given (text() took out anything secret).
    errorMessage: error,
  };
  if (includeEndpointDetails) {
    plan.details = {
      sourceUser: text(raw.SourceEndpointUserName),
      sourceIpPort: text(raw.SourceEndpointIpPort),
      ossBucket: text(raw.OSSBucketName),
      ossRegion: text(raw.OSSBucketRegion),
      crossAccountId: text(raw.CrossAliyunId),
      crossRoleName: text(raw.CrossRoleName),
    };
  }
  return plan;
}

/** Newest first; plans without a creation time last; ties broken by plan id. */
export function compareNewestPlanFirst(a: BackupPlan, b: BackupPlan): number {
  if (a.createdAt !== b.createdAt) {
    if (a.createdAt === null) return 1;
    if (b.createdAt === null) return -1;
    return a.createdAt < b.createdAt ? 1 : -1;
  }
  return (a.backupPlanId ?? '').localeCompare(b.backupPlanId ?? '');
}

/** Counts over every plan given (in any order); attention holds the newest that need it. */
export function summarisePlans(plans: readonly BackupPlan[], listed: number): PlanSummary {
  const byStatus: Record<string, number> = {};
  const byDbType: Record<string, number> = {};
  for (const plan of plans) {
    const status = plan.status ?? '(none)';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const dbType = plan.dbType ?? '(unknown)';
    byDbType[dbType] = (byDbType[dbType] ?? 0) + 1;
  }
  const attention = plans.filter((p) => needsAttention(p.status)).sort(compareNewestPlanFirst);
  return {
    fetched: plans.length,
    listed,
    byStatus,
    byDbType,
    attention: attention.slice(0, MAX_ATTENTION_IN_SUMMARY).map((p) => ({
      backupPlanId: p.backupPlanId,
      backupPlanName: p.backupPlanName,
      status: p.status,
      errorMessage: p.errorMessage,
    })),
    attentionTotal: attention.length,
  };
}

/**
 * Folds pages of raw plans, in page order, into distinct normalised plans: a plan id seen on an
 * earlier page is skipped, since pages shift while plans are added. An account holds at most a few
 * thousand plans, so all of them are kept.
 */
export class PlanDigest {
  private readonly seen = new Set<string>();
  private readonly plans: BackupPlan[] = [];
  constructor(private readonly options: { limit: number; includeEndpointDetails: boolean }) {}

  add(page: readonly RawPlan[]): void {
    for (const raw of page) {
      const plan = normalisePlan(raw, this.options.includeEndpointDetails);
      if (plan.backupPlanId !== null) {
        if (this.seen.has(plan.backupPlanId)) continue;
        this.seen.add(plan.backupPlanId);
      }
      this.plans.push(plan);
    }
  }

  result(): { summary: PlanSummary; plans: BackupPlan[] } {
    const plans = [...this.plans].sort(compareNewestPlanFirst).slice(0, this.options.limit);
    return { summary: summarisePlans(this.plans, plans.length), plans };
  }
}
