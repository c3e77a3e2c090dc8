/** `list_backup_plans`' result and the plan statuses, as its contract describes them. */
import * as z from 'zod';
import { nextArgumentsSchema, nullableString, pageSchema, requestSchema } from '../shared/schema.js';

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

/** The API's status is lower case; compare so, but keep the raw value in `status`. */
export function planStatusMeaning(status: string | null): string | null {
  if (status === null) return null;
  return PLAN_STATUS_MEANINGS[status.toLowerCase() as PlanStatus] ?? null;
}

const planDetailsSchema = z.object({
  sourceUser: nullableString,
  sourceIpPort: nullableString,
  ossBucket: nullableString,
  ossRegion: nullableString,
  crossAccountId: nullableString,
  crossRoleName: nullableString,
});

const attentionPlanSchema = z.object({
  backupPlanId: nullableString,
  backupPlanName: nullableString,
  status: nullableString,
  errorMessage: nullableString,
  regionId: z.string(),
  /** Why the plan is not backing up, in words: "paused: not backing up", the lock's cause, the precheck error. */
  reason: z.string(),
});

const summarySchema = z.object({
  fetched: z.number().int(),
  listed: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  byDbType: z.record(z.string(), z.number().int()),
  byRegion: z.record(z.string(), z.number().int()),
  attention: z.array(attentionPlanSchema),
  attentionTotal: z.number().int(),
});

const planSchema = z.object({
  backupPlanId: nullableString,
  backupPlanName: nullableString,
  status: nullableString,
  statusMeaning: nullableString,
  dbType: nullableString,
  backupMethod: nullableString,
  sourceType: nullableString,
  sourceInstanceId: nullableString,
  sourceRegion: nullableString,
  createdAt: nullableString,
  retentionDays: z.number().nullable(),
  storage: nullableString,
  autoDownload: z.boolean().nullable(),
  downloadTargetType: nullableString,
  downloadDir: nullableString,
  downloadFormats: z.object({ full: nullableString, incremental: nullableString }),
  restorableFrom: nullableString,
  restorableTo: nullableString,
  errorMessage: nullableString,
  /** The region the plan was read in. */
  regionId: z.string(),
  /** BackupPeriod: the weekdays backups run on, as the API names them. */
  backupPeriod: z.array(z.string()).nullable(),
  /** BackupStartTime: HH:mm UTC. */
  backupStartTime: nullableString,
  /** InstanceChargeType: PREPAY (subscription) or POSTPAY (pay-as-you-go). */
  instanceChargeType: nullableString,
  /** InstanceExpiredTimestamp as ISO 8601 UTC: when the instance expired, the usual cause of a locked plan. */
  instanceExpiredAt: nullableString,
  /** Only with includeEndpointDetails: they describe the customer's infrastructure. */
  details: planDetailsSchema.optional(),
});

/** One region the call read: how many plans it gave, whether all of them, or why none. */
const regionReadSchema = z.object({
  regionId: z.string(),
  plans: z.number().int(),
  complete: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const outputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: summarySchema,
  regions: z.array(regionReadSchema),
  plans: z.array(planSchema),
  warnings: z.array(z.string()),
  nextArguments: nextArgumentsSchema,
});

export type PlanDetails = z.infer<typeof planDetailsSchema>;
export type RegionRead = z.infer<typeof regionReadSchema>;
export type BackupPlan = z.infer<typeof planSchema>;
export type PlanSummary = z.infer<typeof summarySchema>;
export type PlanListResult = z.infer<typeof outputSchema>;
