/** Watches one download task until it settles or the wait's time is up. */
import type { Config } from '../../config.js';
import type { DbsClient, RetryNotice } from '../../dbs/client.js';
import type { RawPage } from '../../dbs/page.js';
import { describeBackupSetDownloadTaskList, type DownloadTaskPageParams } from '../../dbs/operations.js';
import { lookupPlace, resolveEndpoint, type Endpoint } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import { isoTime, sleep } from '../../time.js';
import type { DownloadTask, State } from '../shared/download-task.js';
import { planNotFound, ToolError } from '../shared/errors.js';
import { normaliseTask } from '../shared/raw-task.js';
import type { Outcome, Transition, WaitResult } from './schema.js';

// Request ids kept in the result: enough to trace the last looks without growing with the wait.
const KEPT_REQUEST_IDS = 10;
// Changes of state kept in the result, the newest: a task that flips back and forth must not grow it.
export const KEPT_TRANSITIONS = 20;
// Looks that fail in a row before the wait gives up: an endpoint that keeps failing will not heal in time.
export const MAX_FAILED_LOOKS = 3;
// A look that starts at the deadline still gets this long to answer, so the last look is not lost.
const LAST_LOOK_MS = 1_500;

export interface WaitInput {
  backupSetDownloadTaskId: string;
  backupPlanId?: string | undefined;
  regionId?: string | undefined;
  timeoutSeconds: number;
  pollIntervalSeconds: number;
  includeUrls: boolean;
}

/** One look, as progress: after it, how far the wait is. */
export interface LookReport {
  look: number;
  elapsedMs: number;
  task: DownloadTask | null;
  error: DbsError | null;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with a `Cancelled` DbsError as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

export interface WaitDeps {
  client: DbsClient;
  config: Config;
  signal?: AbortSignal | undefined;
  onLook?: ((report: LookReport) => void) | undefined;
  onRetry?: ((notice: RetryNotice, pageNum?: number) => void) | undefined;
  clock?: Clock;
}

const cancelled = (): DbsError => new DbsError('Cancelled', 'the wait was cancelled');

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal, cancelled),
};

/** Settled: the task will not move on its own any more. */
export function outcomeOf(state: State): Exclude<Outcome, 'timeout'> | null {
  return state === 'succeeded' || state === 'failed' || state === 'paused' ? state : null;
}

/** The exact arguments of a call that goes on waiting for the same task, the same way. */
export function nextWaitArguments(input: WaitInput): Record<string, unknown> {
  const args: Record<string, unknown> = { backupSetDownloadTaskId: input.backupSetDownloadTaskId };
  if (input.backupPlanId) args.backupPlanId = input.backupPlanId;
  if (input.regionId) args.regionId = input.regionId;
  args.timeoutSeconds = input.timeoutSeconds;
  args.pollIntervalSeconds = input.pollIntervalSeconds;
  if (input.includeUrls) args.includeUrls = true;
  return args;
}

export function taskNotFound(input: WaitInput, regionId: string, host: string): ToolError {
  const plan = input.backupPlanId ? ` in backup plan ${input.backupPlanId}` : '';
  return new ToolError('TaskNotFound', `no download task ${input.backupSetDownloadTaskId}${plan} ${lookupPlace(regionId, host)}`);
}

/**
 * The one call of DescribeBackupSetDownloadTaskList: the first page of a lookup by task id, in the
 * background lane (paced, behind interactive calls) and done by `deadline` (epoch ms), retries included.
 */
function describeTaskPage(deps: WaitDeps, endpoint: Endpoint, request: DownloadTaskPageParams, deadline: number): Promise<RawPage> {
  return deps.client.call(describeBackupSetDownloadTaskList, request, {
    endpoint,
    signal: deps.signal,
    onRetry: (notice) => deps.onRetry?.(notice, request.pageNum),
    deadline,
    lane: 'background',
  });
}

/** Where one look happens and by when it must be done (epoch ms). */
interface LookTarget {
  endpoint: Endpoint;
  regionId: string;
  deadline: number;
}

/** One look: the task as it is now, or the retryable error that every attempt of the look met. */
async function look(input: WaitInput, deps: WaitDeps, target: LookTarget, requestIds: string[]): Promise<DownloadTask | DbsError> {
  const { endpoint, regionId } = target;
  try {
    const request = { backupSetDownloadTaskId: input.backupSetDownloadTaskId, backupPlanId: input.backupPlanId || undefined, pageSize: 30, pageNum: 0 };
    const page = await describeTaskPage(deps, endpoint, request, target.deadline).catch((error: unknown) => {
      throw planNotFound(error, input.backupPlanId, regionId, endpoint.host);
    });
    if (page.requestId !== null) requestIds.push(page.requestId);
    if (requestIds.length > KEPT_REQUEST_IDS) requestIds.splice(0, requestIds.length - KEPT_REQUEST_IDS);
    const seen = page.items.map((raw) => normaliseTask(raw, input.includeUrls)).find((t) => t.taskId === input.backupSetDownloadTaskId);
    if (seen === undefined) throw taskNotFound(input, regionId, endpoint.host);
    return seen;
  } catch (error) {
    if (error instanceof DbsError && error.retryable && error.code !== 'Cancelled') return error;
    throw error;
  }
}

/** What the looks so far have seen. */
interface Watch {
  looks: number;
  task: DownloadTask | null;
  /** The newest KEPT_TRANSITIONS changes; `transitionsDropped` counts the older ones left out. */
  transitions: Transition[];
  transitionsDropped: number;
  requestIds: string[];
  /** Looks that failed since the last one that worked, and the error of the latest. */
  failedLooks: number;
  lastFailure: DbsError | null;
}

function record(watch: Watch, seen: DownloadTask | DbsError, at: number): void {
  if (seen instanceof DbsError) {
    watch.failedLooks += 1;
    watch.lastFailure = seen;
    return;
  }
  const previous = watch.transitions[watch.transitions.length - 1];
  // `running` then `Running` is the same status written differently, not a change.
  if (previous === undefined || previous.status?.toLowerCase() !== seen.status?.toLowerCase() || previous.state !== seen.state) {
    watch.transitions.push({ at: isoTime(at), state: seen.state, status: seen.status });
    if (watch.transitions.length > KEPT_TRANSITIONS) {
      watch.transitions.shift();
      watch.transitionsDropped += 1;
    }
  }
  watch.task = seen;
  watch.failedLooks = 0;
}

/** The error that ends a wait whose looks kept failing, with the state the last good look saw. */
function gaveUp(watch: Watch, error: DbsError): DbsError {
  const { task } = watch;
  const last = watch.transitions[watch.transitions.length - 1];
  const seen =
    task === null || last === undefined
      ? 'no look worked'
      : `the task was last seen ${task.state} (${task.status ?? 'no status'}) at ${last.at.slice(11, 19)} UTC`;
  const message = `${error.message} (${watch.failedLooks} looks in a row failed, so the wait stopped; ${seen})`;
  return new DbsError(error.code, message, { httpStatus: error.httpStatus, requestId: error.requestId, retryable: error.retryable, attempts: error.attempts });
}

/**
 * Looks at the task at once, then every poll interval, until it settles or the timeout is reached;
 * the last look falls on the deadline, and every look is bounded by the time left. A look whose
 * attempts all fail with a retryable error does not end the wait unless MAX_FAILED_LOOKS fail in a
 * row; any other failure does, as does a task that is not there.
 */
export async function waitForDownloadTask(input: WaitInput, deps: WaitDeps): Promise<WaitResult> {
  const { config, signal } = deps;
  const clock = deps.clock ?? realClock;
  const regionId = input.regionId || config.regionId;
  const endpoint = resolveEndpoint(regionId, config.endpointOverride);
  const started = clock.now();
  const deadline = started + input.timeoutSeconds * 1000;
  const watch: Watch = { looks: 0, task: null, transitions: [], transitionsDropped: 0, requestIds: [], failedLooks: 0, lastFailure: null };

  let outcome: Outcome = 'timeout';
  for (;;) {
    if (signal?.aborted) throw cancelled();
    watch.looks += 1;
    const at = clock.now();
    // The client's deadline is on the wall clock; the time left is the wait's own.
    const lookDeadline = Date.now() + Math.max(0, deadline - at) + LAST_LOOK_MS;
    const seen = await look(input, deps, { endpoint, regionId, deadline: lookDeadline }, watch.requestIds);
    record(watch, seen, at);
    const failed = seen instanceof DbsError;
    if (failed && watch.failedLooks >= MAX_FAILED_LOOKS) throw gaveUp(watch, seen);
    deps.onLook?.({ look: watch.looks, elapsedMs: clock.now() - started, task: failed ? null : seen, error: failed ? seen : null });
    const settled = failed ? null : outcomeOf(seen.state);
    if (settled !== null) {
      outcome = settled;
      break;
    }
    const now = clock.now();
    if (now >= deadline) break;
    await clock.sleep(Math.min(input.pollIntervalSeconds * 1000, deadline - now), signal);
  }
  return resultOf(input, watch, outcome, { regionId, endpoint: endpoint.host, requestIds: watch.requestIds }, clock.now() - started);
}

function resultOf(input: WaitInput, watch: Watch, outcome: Outcome, request: WaitResult['request'], waitedMs: number): WaitResult {
  const { task, failedLooks, lastFailure } = watch;
  // No look ever worked: the wait has nothing to tell but the error of the last one.
  if (task === null) throw lastFailure ?? new DbsError('UnexpectedError', 'the wait ended without a look');
  const warnings: string[] = [];
  if (failedLooks > 0 && lastFailure !== null) {
    warnings.push(
      `the last ${failedLooks === 1 ? 'look' : `${failedLooks} looks`} failed (${lastFailure.code}: ${lastFailure.message}); the state shown is from the look before`,
    );
  }
  return {
    request,
    outcome,
    waitedSeconds: Math.round(waitedMs / 100) / 10,
    looks: watch.looks,
    task,
    transitions: watch.transitions,
    transitionsDropped: watch.transitionsDropped,
    warnings,
    next: outcome === 'timeout' ? nextWaitArguments(input) : null,
  };
}
