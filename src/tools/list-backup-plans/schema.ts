/** `list_backup_plans`' arguments and result, as its contract describes them; defaults sit beside what they document. */
import * as z from 'zod';
import { nextArgumentsSchema, nullableString, pageSchema, regionIdSchema, requestSchema, strictInput } from '../shared/schema.js';

/** The raw plan statuses, in the order a reader meets them in a plan's life. */
export const PLAN_STATUSES = ['wait', 'init', 'check_pass', 'running', 'pause', 'stop', 'locked'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_DEFAULTS = { pageSize: 100, pageNum: 0, allPages: true, maxPages: 10, limit: 200 } as const;

const planId = z
  .string()
  .min(1, 'a plan id is not empty')
  .max(64, 'a plan id is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a plan id takes letters, digits, "_", "-" and "." only');

const inputShape = {
  backupPlanIds: z.array(planId).min(1).max(100).optional().describe('Only these plans (1-100 ids), e.g. ["dbs1hvb0wxxxxxx"]'),
  backupPlanName: z.string().min(1).max(128).optional().describe('Only the plan with this exact name'),
  status: z
    .enum(PLAN_STATUSES, { error: `status is one of ${PLAN_STATUSES.join(', ')}` })
    .optional()
    .describe('Only plans in this raw status: init = precheck failed, stop = failed, wait = not configured'),
  regionId: regionIdSchema('Region of the plans, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  pageSize: z.number().int().min(1).max(100).default(PLAN_DEFAULTS.pageSize).describe('Plans per page, 1-100'),
  pageNum: z.number().int().min(0).max(100_000).default(PLAN_DEFAULTS.pageNum).describe('Zero-based page index to start from'),
  allPages: z.boolean().default(PLAN_DEFAULTS.allPages).describe('Read every page (up to maxPages); false: one page'),
  maxPages: z.number().int().min(1).max(50).default(PLAN_DEFAULTS.maxPages).describe('Page cap for allPages'),
  limit: z.number().int().min(1).max(1000).default(PLAN_DEFAULTS.limit).describe('Most plans listed; the summary counts all read'),
  includeEndpointDetails: z
    .boolean()
    .default(false)
    .describe('Include database user names, ip:port, OSS buckets and cross-account ids; off by default'),
};

export const inputSchema = strictInput(inputShape);
export type ToolInput = z.infer<typeof inputSchema>;

const planDetailsSchema = z.object({
  sourceUser: nullableString,
  sourceIpPort: nullableString,
  ossBucket: nullableString,
  ossRegion: nullableString,
  crossAccountId: nullableString,
  crossRoleName: nullableString,
});

const attentionPlanSchema = z.object({ backupPlanId: nullableString, backupPlanName: nullableString, status: nullableString, errorMessage: nullableString });

const summarySchema = z.object({
  fetched: z.number().int(),
  listed: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  byDbType: z.record(z.string(), z.number().int()),
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
  /** Only with includeEndpointDetails: they describe the customer's infrastructure. */
  details: planDetailsSchema.optional(),
});

export const outputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: summarySchema,
  plans: z.array(planSchema),
  warnings: z.array(z.string()),
  nextArguments: nextArgumentsSchema,
});

export type PlanDetails = z.infer<typeof planDetailsSchema>;
export type BackupPlan = z.infer<typeof planSchema>;
export type PlanSummary = z.infer<typeof summarySchema>;
export type PlanListResult = z.infer<typeof outputSchema>;
