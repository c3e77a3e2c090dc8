/** `list_backup_set_download_tasks`: the download tasks of a plan, with counts, or every field of one task. */
import * as z from 'zod';
import type { RawItem, RawPage } from '../../dbs/page.js';
import { describeBackupSetDownloadTaskList, type DownloadTaskPageParams } from '../../dbs/operations.js';
import type { Endpoint } from '../../dbs/endpoint.js';
import { planNotFound, ToolError } from '../shared/errors.js';
import { FAILED_STATUSES, STATES } from '../shared/download-task.js';
import { regionIdSchema, strictInput } from '../shared/input.js';
import { checkRegionScope, regionScopeShape } from '../shared/regions.js';
import { TOOL_NAMES } from '../shared/names.js';
import { readList } from '../shared/paging.js';
import { text } from '../shared/raw.js';
import { impossibleSizes } from '../shared/raw-task.js';
import { defineTool, type ToolRun } from '../shared/tool.js';
import { listAccountTasks } from './account.js';
import { renderAccountText } from './account-text.js';
import {
  DEFAULT_ACCOUNT_LIMIT,
  DEFAULT_LIMIT,
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_PLANS,
  isRegionWide,
  MAX_PAGES,
  MAX_PLANS,
  nextArgumentsOf,
  SORT_BY,
  type ListInput,
} from './args.js';
import { digestOptionsOf, TaskDigest } from './digest.js';
import { renderText } from './render.js';
import { outputSchema, type ListResult, type Summary } from './schema.js';
import { inCalendar, parseInstant, type TimeWindow } from './time-window.js';

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
  backupPlanId: id('Backup plan ID', 'dbs1hvb0wxxxxxx').describe('Backup plan ID, e.g. dbs1hvb0wxxxxxx; omit for every plan of the region(s)'),
  backupSetDownloadTaskId: id('Download task ID (one task)', 'dbstooi01exxxxx'),
  pageSize: z.literal([30, 50, 100], { error: 'pageSize must be 30, 50 or 100' }).optional().describe('30, 50 or 100; default 30, 100 with allPages'),
  pageNum: z.number().int().min(0).max(100_000).default(0).describe('Zero-based page'),
  allPages: z.boolean().default(false).describe('Read from pageNum to the last page, at most maxPages'),
  maxPages: z.number().int().min(1).max(MAX_PAGES).default(DEFAULT_MAX_PAGES).describe('Page cap for allPages; per plan region-wide'),
  states: z
    .array(z.enum(STATES, { error: `states are ${STATES.join(', ')}` }))
    .max(STATES.length)
    .default([])
    .describe('Keep only these states; empty: all'),
  createdAfter: instant('Created at/after: ISO date (midnight UTC), date-time (UTC unless zoned), age (90m, 24h, 7d, 2w), today or yesterday (UTC day start)'),
  createdBefore: instant('Created before; as createdAfter'),
  finishedAfter: instant('Finished at/after; as createdAfter; leaves out unfinished tasks'),
  finishedBefore: instant('Finished before; as createdAfter; leaves out unfinished tasks'),
  sortBy: z
    .enum(SORT_BY, { error: `sortBy is ${SORT_BY.join(', ')}` })
    .default('created')
    .describe('created/finished: newest first; duration/size: largest first; tasks without the value last'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe(`Most tasks listed (the summary counts all); default ${DEFAULT_LIMIT}, ${DEFAULT_ACCOUNT_LIMIT} region-wide`),
  includeUrls: z.boolean().default(false).describe('Show download URLs (they give access to backup data)'),
  regionId: regionIdSchema('Region, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID)'),
  clientToken: z
    .string()
    .max(64, 'clientToken is at most 64 characters')
    .regex(TOKEN, 'clientToken takes printable ASCII without spaces')
    .optional()
    .describe('Idempotency token (first page only)'),
  ...regionScopeShape,
  maxPlans: z.number().int().min(1).max(MAX_PLANS).default(DEFAULT_MAX_PLANS).describe('Most plans read region-wide'),
};

export const inputSchema = strictInput(inputShape);
export type ToolInput = z.infer<typeof inputSchema>;

const DESCRIPTION = [
  'DBS backup set download tasks of a plan, with counts and sizes by state, database types and failures by reason; or every field of one task.',
  'One page per call unless allPages (for whole-plan questions).',
  'Without backupPlanId: every plan of the region (regionIds, allRegions: several) read whole in one call, with a row per plan and sums across plans;',
  'use it for account questions (which plans failed, data moved, most common failure, what is not finished).',
  'Filter by created or finished time ("finished yesterday": finishedAfter yesterday, finishedBefore today); sort by created, finished, duration or size.',
  `States: pending (checking, check_pass, schedule), running, paused, succeeded (finish), failed (${FAILED_STATUSES.join(', ')};`,
  'init = precheck failed, never started; stop = download failed), unknown.',
].join(' ');

type TimeKey = 'createdAfter' | 'createdBefore' | 'finishedAfter' | 'finishedBefore';

function instantOf(args: ToolInput, key: TimeKey, nowMs: number): number | null {
  const text = args[key];
  // An empty string counts as unset, as for the ids: some hosts send "" for an optional field left blank.
  if (!text) return null;
  const instant = parseInstant(text, nowMs);
  if (instant === null) {
    throw new ToolError(
      'InvalidInput',
      `${key} "${text}" is not an ISO 8601 date (2026-11-20), date-time (2026-11-20T08:00:00Z) or age (90m, 24h, 7d, 2w), nor today or yesterday`,
    );
  }
  if (!inCalendar(instant)) {
    throw new ToolError('InvalidInput', `${key} "${text}" falls outside the years 1970 to 9999: give a later date or a shorter age`);
  }
  return instant;
}

function windowOf(args: ToolInput, nowMs: number, afterKey: TimeKey, beforeKey: TimeKey): TimeWindow {
  const after = instantOf(args, afterKey, nowMs);
  const before = instantOf(args, beforeKey, nowMs);
  if (after !== null && before !== null && after >= before) {
    throw new ToolError('InvalidInput', `${afterKey} must be earlier than ${beforeKey} (${beforeKey} is exclusive)`);
  }
  return { after, before };
}

/** The arguments as the list takes them; throws a ToolError for what the schema cannot check. */
export function toListInput(args: ToolInput, nowMs = Date.now()): ListInput {
  const backupPlanId = args.backupPlanId || undefined;
  const backupSetDownloadTaskId = args.backupSetDownloadTaskId || undefined;
  const regionWide = isRegionWide({ backupPlanId, backupSetDownloadTaskId });
  checkRegionScope(args);
  if (!regionWide && (args.regionIds?.length || args.allRegions)) {
    throw new ToolError('InvalidInput', 'regionIds and allRegions read every plan of their regions: leave out backupPlanId and backupSetDownloadTaskId');
  }
  const window = windowOf(args, nowMs, 'createdAfter', 'createdBefore');
  const finishedWindow = windowOf(args, nowMs, 'finishedAfter', 'finishedBefore');
  const { createdAfter: _after, createdBefore: _before, finishedAfter: _finishedAfter, finishedBefore: _finishedBefore, ...rest } = args;
  return {
    ...rest,
    backupPlanId,
    backupSetDownloadTaskId,
    limit: args.limit ?? (regionWide ? DEFAULT_ACCOUNT_LIMIT : DEFAULT_LIMIT),
    // Region-wide calls read every page of each plan, as allPages does.
    pageSize: args.pageSize ?? (args.allPages || regionWide ? 100 : 30),
    states: [...new Set(args.states)],
    window,
    finishedWindow,
  };
}

/** The one call of DescribeBackupSetDownloadTaskList: one page, retries reported with its page number. */
function describeTaskPage(deps: ToolRun, endpoint: Endpoint, request: DownloadTaskPageParams): Promise<RawPage> {
  return deps.client.call(describeBackupSetDownloadTaskList, request, {
    endpoint,
    signal: deps.signal,
    onRetry: (notice) => deps.onRetry?.(notice, request.pageNum),
  });
}

export async function listDownloadTasks(input: ListInput, deps: ToolRun): Promise<ListResult> {
  if (isRegionWide(input)) {
    return listAccountTasks(input, deps, (endpoint, request) => describeTaskPage(deps, endpoint, request));
  }
  const base = {
    backupPlanId: input.backupPlanId || undefined,
    backupSetDownloadTaskId: input.backupSetDownloadTaskId || undefined,
    pageSize: input.pageSize,
  };
  // Asked for one task, only that task counts: an endpoint may answer about others under its id.
  const wanted = input.backupSetDownloadTaskId || undefined;
  const others = { count: 0, first: '' };
  const onlyWanted = (items: RawItem[]): RawItem[] => {
    if (wanted === undefined) return items;
    const mine = items.filter((raw) => text(raw.BackupSetDownloadTaskId) === wanted);
    if (others.count === 0 && mine.length < items.length) others.first = text(items.find((raw) => !mine.includes(raw))?.BackupSetDownloadTaskId) ?? 'no id';
    others.count += items.length - mine.length;
    return mine;
  };
  const digest = new TaskDigest(digestOptionsOf(input));
  let oversized = 0;
  const { request, page, warnings } = await readList(input, deps, {
    noun: 'task',
    // ClientToken makes one request idempotent: it goes with the first page only.
    fetchPage: ({ endpoint, regionId }, pageNum) =>
      pageNum === input.pageNum
        ? describeTaskPage(deps, endpoint, { ...base, pageNum, clientToken: input.clientToken || undefined }).catch((error: unknown) => {
            throw planNotFound(error, input.backupPlanId, regionId, endpoint.host);
          })
        : describeTaskPage(deps, endpoint, { ...base, pageNum }),
    fold: (items) => {
      const kept = onlyWanted(items);
      oversized += impossibleSizes(kept);
      digest.add(kept);
    },
  });
  if (others.count > 0) {
    warnings.push(
      `the endpoint answered ${others.count} task(s) with another id than ${input.backupSetDownloadTaskId} (${others.first.slice(0, 64)}); they are left out`,
    );
  }
  if (oversized > 0)
    warnings.push(`${oversized} task(s) reported a data size past ${Number.MAX_SAFE_INTEGER} bytes, which cannot be real: counted as not reported`);
  const { counts, tasks } = digest.result();
  const summary: Summary = {
    ...counts,
    coverage: { complete: input.pageNum === 0 && !page.hasMore, tasksRead: counts.fetched, totalElements: page.totalElements },
  };
  const nextArguments = page.nextPageNum !== null ? nextArgumentsOf(input, page.nextPageNum) : null;
  return { request, page, summary, tasks, warnings, nextArguments };
}

export const listBackupSetDownloadTasksTool = defineTool({
  name: TOOL_NAMES.listBackupSetDownloadTasks,
  title: 'List DBS backup set download tasks',
  description: DESCRIPTION,
  input: inputSchema,
  output: outputSchema,
  prepare: (args) => toListInput(args),
  run: (input, run) => listDownloadTasks(input, run),
  render: (result, input) => (isRegionWide(input) ? renderAccountText(result, input) : renderText(result, input)),
  logLine: (result, _input, ms) => ({
    level: 'debug',
    message: `${TOOL_NAMES.listBackupSetDownloadTasks}: ${result.page.pagesFetched} page(s), ${result.summary.fetched} tasks in ${ms} ms`,
  }),
});
