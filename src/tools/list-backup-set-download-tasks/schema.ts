/** `list_backup_set_download_tasks`' arguments and result, as its contract describes them; defaults sit beside what they document. */
import * as z from 'zod';
import { downloadTaskSchema } from '../shared/download-task.js';
import { nextArgumentsSchema, nullableString, pageSchema, regionIdSchema, requestSchema, strictInput } from '../shared/schema.js';
import { STATES } from '../shared/states.js';

/** The most pages one call reads. */
export const MAX_PAGES = 100;
/** Tasks listed unless `limit` says otherwise. */
export const DEFAULT_LIMIT = 100;
/** maxPages unless given, with allPages. */
export const DEFAULT_MAX_PAGES = 50;

const TOKEN = /^[\x21-\x7e]+$/;

const id = (what: string, example: string) =>
  z
    .string()
    .max(64, `${what} is at most 64 characters`)
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} takes letters, digits, "_", "-" and "." only`)
    .optional()
    .describe(`${what}, e.g. ${example}`);

// The forms are checked in the handler: a pattern here would cost the tool list 200 bytes twice.
const instant = (description: string) => z.string().max(40).optional().describe(description);

const inputShape = {
  backupPlanId: id('Backup plan ID', 'dbs1hvb0wxxxxxx'),
  backupSetDownloadTaskId: id('Download task ID (one task)', 'dbstooi01exxxxx'),
  pageSize: z
    .literal([30, 50, 100], { error: 'pageSize must be 30, 50 or 100' })
    .optional()
    .describe('30, 50 or 100; default 30, 100 with allPages'),
  pageNum: z.number().int().min(0).max(100_000).default(0).describe('Zero-based page'),
  allPages: z.boolean().default(false).describe('Read from pageNum to the last page, at most maxPages'),
  maxPages: z.number().int().min(1).max(MAX_PAGES).default(DEFAULT_MAX_PAGES).describe('Page cap for allPages'),
  states: z
    .array(z.enum(STATES, { error: `states are ${STATES.join(', ')}` }))
    .max(STATES.length)
    .default([])
    .describe('Keep only these states; empty: all'),
  createdAfter: instant('Created at/after: ISO date (midnight UTC), date-time (UTC unless zoned) or age: 90m, 24h, 7d, 2w'),
  createdBefore: instant('Created before; as createdAfter'),
  sortBy: z
    .enum(['created', 'finished'], { error: 'sortBy is created or finished' })
    .default('created')
    .describe('Newest first by creation or finish time'),
  limit: z.number().int().min(1).max(1000).default(DEFAULT_LIMIT).describe('Most tasks listed (the summary counts all)'),
  includeUrls: z.boolean().default(false).describe('Show download URLs (they give access to backup data)'),
  regionId: regionIdSchema('Region, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID)'),
  clientToken: z
    .string()
    .max(64, 'clientToken is at most 64 characters')
    .regex(TOKEN, 'clientToken takes printable ASCII without spaces')
    .optional()
    .describe('Idempotency token (first page only)'),
};

export const inputSchema = strictInput(inputShape);
export type ToolInput = z.infer<typeof inputSchema>;
export type SortBy = ToolInput['sortBy'];

const perState = (value: () => z.ZodNumber) => z.object(Object.fromEntries(STATES.map((s) => [s, value()])) as Record<(typeof STATES)[number], z.ZodNumber>);

export const summarySchema = z.object({
  fetched: z.number().int(),
  matched: z.number().int(),
  listed: z.number().int(),
  byState: perState(() => z.number().int()),
  dataSizeBytesByState: perState(() => z.number()),
  byDbType: z.record(z.string(), z.number().int()),
  failureReasons: z.array(z.object({ reason: z.string(), count: z.number().int(), taskIds: z.array(z.string()) })),
  coverage: z.object({ complete: z.boolean(), tasksRead: z.number().int(), totalElements: z.number().int().nullable() }),
  byStatus: z.record(z.string(), z.number().int()),
  totalDataSizeBytes: z.number(),
  newestCreatedAt: nullableString,
  oldestCreatedAt: nullableString,
  failedTasks: z.array(z.object({ taskId: nullableString, taskName: nullableString, status: nullableString, errorMessage: nullableString })),
});

export const outputSchema = z.object({
  request: requestSchema,
  page: pageSchema,
  summary: summarySchema,
  tasks: z.array(downloadTaskSchema),
  warnings: z.array(z.string()),
  nextArguments: nextArgumentsSchema,
});

export type Summary = z.infer<typeof summarySchema>;
export type ListResult = z.infer<typeof outputSchema>;
