/** `wait_for_backup_set_download_task`' arguments and result, as its contract describes them; defaults sit beside what they document. */
import * as z from 'zod';
import { downloadTaskSchema } from '../shared/download-task.js';
import { nextArgumentsSchema, regionIdSchema, requestSchema, strictInput } from '../shared/schema.js';
import { STATES } from '../shared/states.js';

export const DEFAULT_TIMEOUT_SECONDS = 50;
export const DEFAULT_POLL_INTERVAL_SECONDS = 10;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const inputShape = {
  backupSetDownloadTaskId: z
    .string()
    .min(1, 'backupSetDownloadTaskId is required')
    .max(64, 'backupSetDownloadTaskId is at most 64 characters')
    .regex(ID, 'backupSetDownloadTaskId takes letters, digits, "_", "-" and "." only')
    .describe('Download task ID, e.g. dbstooi01exxxxx'),
  backupPlanId: z
    .string()
    .max(64, 'backupPlanId is at most 64 characters')
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'backupPlanId takes letters, digits, "_", "-" and "." only')
    .optional()
    .describe('Backup plan ID, narrows the lookup'),
  regionId: regionIdSchema('Region, e.g. cn-hangzhou; defaults to ALIBABA_CLOUD_REGION_ID'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_TIMEOUT_SECONDS)
    .describe('Longest wait; at the end the result gives the arguments to keep waiting'),
  pollIntervalSeconds: z.number().int().min(2).max(300).default(DEFAULT_POLL_INTERVAL_SECONDS).describe('Seconds between looks; the first is immediate'),
  includeUrls: z.boolean().default(false).describe('Include download URLs; they grant access to backup data'),
};

export const inputSchema = strictInput(inputShape);
export type ToolInput = z.infer<typeof inputSchema>;

const OUTCOMES = ['succeeded', 'failed', 'paused', 'timeout'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const transitionSchema = z.object({ at: z.string(), state: z.enum(STATES), status: z.string().nullable() });
export type Transition = z.infer<typeof transitionSchema>;

export const outputSchema = z.object({
  request: requestSchema,
  outcome: z.enum(OUTCOMES),
  waitedSeconds: z.number(),
  looks: z.number().int(),
  task: downloadTaskSchema,
  transitions: z.array(transitionSchema),
  /** Looks that failed after their retries, in words; the wait went on past them. */
  warnings: z.array(z.string()),
  /** The arguments that keep waiting, on `timeout`; null otherwise. */
  next: nextArgumentsSchema,
});

export type WaitResult = z.infer<typeof outputSchema>;
