/** `list_backup_set_download_tasks`' result, as its contract describes it. */
import * as z from 'zod';
import { downloadTaskSchema, STATES } from '../shared/download-task.js';
import { nextArgumentsSchema, nullableString, pageSchema, requestSchema } from '../shared/schema.js';

/** The key a missing raw status or database type is counted under. */
export const NONE = '(none)';
export const NO_ERROR_MESSAGE = 'no error message';

const perState = (value: () => z.ZodNumber) => z.object(Object.fromEntries(STATES.map((s) => [s, value()])) as Record<(typeof STATES)[number], z.ZodNumber>);

export const summarySchema = z.object({
  fetched: z.number().int(),
  matched: z.number().int(),
  listed: z.number().int(),
  byState: perState(() => z.number().int()),
  dataSizeBytesByState: perState(() => z.number()),
  byDbType: z.record(z.string(), z.number().int()),
  failureReasons: z.array(
    z.object({
      reason: z.string(),
      count: z.number().int(),
      taskIds: z.array(z.string()),
      // Region-wide answers only: how many of the reason's failures each plan had.
      byPlan: z.record(z.string(), z.number().int()).optional(),
    }),
  ),
  coverage: z.object({ complete: z.boolean(), tasksRead: z.number().int(), totalElements: z.number().int().nullable() }),
  byStatus: z.record(z.string(), z.number().int()),
  totalDataSizeBytes: z.number(),
  newestCreatedAt: nullableString,
  oldestCreatedAt: nullableString,
  failedTasks: z.array(z.object({ taskId: nullableString, taskName: nullableString, status: nullableString, errorMessage: nullableString })),
});

/** Region-wide answers: which regions and plans were read, and what could not be. */
export const scopeSchema = z.object({
  regions: z.array(z.string()),
  plansInScope: z.number().int(),
  plansRead: z.number().int(),
  complete: z.boolean(),
  errors: z.array(z.object({ backupPlanId: nullableString, regionId: z.string(), code: z.string(), message: z.string() })),
});

/** One plan of a region-wide answer, its counts over the tasks that matched. */
export const planTasksSchema = z.object({
  backupPlanId: z.string(),
  name: nullableString,
  status: nullableString,
  databaseType: nullableString,
  regionId: z.string(),
  tasksInPlan: z.number().int().nullable(),
  tasksRead: z.number().int(),
  complete: z.boolean(),
  byState: perState(() => z.number().int()),
  dataSizeBytesByState: perState(() => z.number()),
  lastCreatedAt: nullableString,
  lastFinishedAt: nullableString,
  lastFailure: z.object({ taskId: nullableString, errorMessage: nullableString, finishedAt: nullableString }).nullable(),
});

export const outputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: summarySchema,
  tasks: z.array(downloadTaskSchema),
  warnings: z.array(z.string()),
  nextArguments: nextArgumentsSchema,
  scope: scopeSchema.optional(),
  plans: z.array(planTasksSchema).optional(),
});

export type Summary = z.infer<typeof summarySchema>;
export type ListResult = z.infer<typeof outputSchema>;
export type Scope = z.infer<typeof scopeSchema>;
export type PlanTasks = z.infer<typeof planTasksSchema>;
