/** Pure functions from raw DescribeBackupPlanList items to the plans and summary `list_backup_plans` returns. */
import { bool, isoTimeOf, newestFirst, numeric, text, type RawItem as RawPlan } from '../shared/raw.js';
import { planStatusMeaning, type BackupPlan, type PlanSummary } from './schema.js';

/** Plans in these statuses do not back up and need someone to act. */
export const ATTENTION_STATUSES: ReadonlySet<string> = new Set(['init', 'stop', 'pause', 'locked', 'wait']);
export const MAX_ATTENTION_IN_SUMMARY = 50;

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

/** BackupPeriod: weekday names separated by commas; none when empty. */
export function backupPeriodOf(value: unknown): string[] | null {
  const days = (text(value) ?? '')
    .split(',')
    .map((day) => day.trim())
    .filter((day) => day !== '');
  return days.length === 0 ? null : days;
}

const CHARGE_TYPES: Record<string, string> = { prepay: 'subscription', postpay: 'pay-as-you-go' };

/** Why a plan is not backing up, in words, from what the API tells. */
export function attentionReason(plan: BackupPlan): string {
  const status = plan.status?.toLowerCase();
  if (status === 'pause') return 'paused: not backing up';
  if (status !== 'locked') return plan.errorMessage ?? 'no error message';
  const why: string[] = [];
  if (plan.instanceExpiredAt !== null) why.push(`the instance expired on ${plan.instanceExpiredAt.slice(0, 10)}`);
  if (plan.instanceChargeType !== null) {
    const meaning = CHARGE_TYPES[plan.instanceChargeType.toLowerCase()];
    why.push(`charge type ${plan.instanceChargeType}${meaning === undefined ? '' : ` (${meaning})`}`);
  }
  if (plan.errorMessage !== null) why.push(plan.errorMessage);
  return why.length === 0 ? 'locked: the API gives no reason' : `locked: ${why.join('; ')}`;
}

export function normalisePlan(raw: RawPlan, includeEndpointDetails: boolean, regionId: string): BackupPlan {
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
    createdAt: isoTimeOf(raw.BackupPlanCreateTime),
    retentionDays: retention !== null && retention >= 0 ? retention : null,
    storage: storageOf(raw.BackupStorageType),
    autoDownload: bool(raw.OpenBackupSetAutoDownload),
    downloadTargetType: text(raw.BackupSetDownloadTargetType),
    downloadDir: text(raw.BackupSetDownloadDir),
    downloadFormats: { full: text(raw.BackupSetDownloadFullDataFormat), incremental: text(raw.BackupSetDownloadIncrementDataFormat) },
    restorableFrom: isoTimeOf(raw.BeginTimestampForRestore),
    restorableTo: isoTimeOf(raw.EndTimestampForRestore),
    // The precheck error is the diagnosis the user needs: shown as given (text() took out anything secret).
    errorMessage: error,
    regionId,
    backupPeriod: backupPeriodOf(raw.BackupPeriod),
    backupStartTime: text(raw.BackupStartTime),
    instanceChargeType: text(raw.InstanceChargeType),
    instanceExpiredAt: isoTimeOf(raw.InstanceExpiredTimestamp),
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
export const compareNewestPlanFirst = newestFirst<BackupPlan>(
  (p) => p.createdAt,
  (p) => p.backupPlanId,
);

/** Counts over every plan given (in any order); attention holds the newest that need it. */
export function summarisePlans(plans: readonly BackupPlan[], listed: number): PlanSummary {
  const byStatus: Record<string, number> = {};
  const byDbType: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  for (const plan of plans) {
    const status = plan.status ?? '(none)';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const dbType = plan.dbType ?? '(unknown)';
    byDbType[dbType] = (byDbType[dbType] ?? 0) + 1;
    byRegion[plan.regionId] = (byRegion[plan.regionId] ?? 0) + 1;
  }
  const attention = plans.filter((p) => needsAttention(p.status)).sort(compareNewestPlanFirst);
  return {
    fetched: plans.length,
    listed,
    byStatus,
    byDbType,
    byRegion,
    attention: attention.slice(0, MAX_ATTENTION_IN_SUMMARY).map((p) => ({
      backupPlanId: p.backupPlanId,
      backupPlanName: p.backupPlanName,
      status: p.status,
      errorMessage: p.errorMessage,
      regionId: p.regionId,
      reason: attentionReason(p),
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

  add(page: readonly RawPlan[], regionId: string): void {
    for (const raw of page) {
      const plan = normalisePlan(raw, this.options.includeEndpointDetails, regionId);
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
