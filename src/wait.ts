/** Watches one download task until it settles or the wait's time is up. */
import type { Config } from './config.js';
import type { DbsClient, RetryNotice } from './dbs/client.js';
import { resolveEndpoint } from './dbs/endpoint.js';
import { DbsError } from './dbs/errors.js';
import { listDownloadTasks } from './list.js';
import { taskDetailLines } from './task-detail.js';
import { statusMeaning, type DownloadTask, type State } from './tasks.js';
import { isoTime } from './time.js';

export const WAIT_TOOL_NAME = 'wait_for_backup_set_download_task';
export const DEFAULT_TIMEOUT_SECONDS = 50;
export const DEFAULT_POLL_INTERVAL_SECONDS = 10;
// Request ids kept in the result: enough to trace the last looks without growing with the wait.
const KEPT_REQUEST_IDS = 10;

export interface WaitInput {
  backupSetDownloadTaskId: string;
  backupPlanId?: string | undefined;
  regionId?: string | undefined;
  timeoutSeconds: number;
  pollIntervalSeconds: number;
  includeUrls: boolean;
}

export type Outcome = 'succeeded' | 'failed' | 'paused' | 'timeout';

export interface Transition {
  at: string;
  state: State;
  status: string | null;
}

export interface WaitResult {
  request: { regionId: string; endpoint: string; requestIds: string[] };
  outcome: Outcome;
  waitedSeconds: number;
  looks: number;
  task: DownloadTask;
  transitions: Transition[];
  /** Looks that failed after their retries, in words; the wait went on past them. */
  warnings: string[];
  /** The arguments that keep waiting, on `timeout`; null otherwise. */
  next: Record<string, unknown> | null;
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
  onRetry?: ((notice: RetryNotice) => void) | undefined;
  clock?: Clock;
}

const cancelled = (): DbsError => new DbsError('Cancelled', 'the wait was cancelled');

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(cancelled());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
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

export function taskNotFound(input: WaitInput, regionId: string): DbsError {
  const plan = input.backupPlanId ? ` in backup plan ${input.backupPlanId}` : '';
  return new DbsError('TaskNotFound', `no download task ${input.backupSetDownloadTaskId}${plan} in region ${regionId}`);
}

/**
 * Looks at the task at once, then every poll interval, until it settles or the timeout is reached;
 * the last look falls on the deadline. A look whose attempts all fail with a retryable error does
 * not end the wait; any other failure does, as does a task that is not there.
 */
export async function waitForDownloadTask(input: WaitInput, deps: WaitDeps): Promise<WaitResult> {
  const { client, config, signal } = deps;
  const clock = deps.clock ?? realClock;
  const regionId = input.regionId || config.regionId;
  const endpoint = resolveEndpoint(regionId, config.endpointOverride);
  const started = clock.now();
  const deadline = started + input.timeoutSeconds * 1000;
  const intervalMs = input.pollIntervalSeconds * 1000;

  const requestIds: string[] = [];
  const transitions: Transition[] = [];
  // Looks that failed since the last one that worked, and the error of the latest.
  let failedLooks = 0;
  let lastFailure: DbsError | null = null;
  let task: DownloadTask | null = null;
  let looks = 0;

  /** One look: the task as it is now, or the retryable error that every attempt of the look met. */
  const look = async (): Promise<DownloadTask | DbsError> => {
    try {
      const result = await listDownloadTasks(
        {
          backupSetDownloadTaskId: input.backupSetDownloadTaskId,
          backupPlanId: input.backupPlanId,
          regionId: input.regionId,
          pageSize: 30,
          pageNum: 0,
          allPages: false,
          maxPages: 1,
          states: [],
          window: { after: null, before: null },
          sortBy: 'created',
          limit: 1,
          includeUrls: input.includeUrls,
        },
        { client, config, signal, onRetry: deps.onRetry },
      );
      requestIds.push(...result.request.requestIds);
      if (requestIds.length > KEPT_REQUEST_IDS) requestIds.splice(0, requestIds.length - KEPT_REQUEST_IDS);
      const seen = result.tasks.find((t) => t.taskId === input.backupSetDownloadTaskId);
      if (seen === undefined) throw taskNotFound(input, regionId);
      return seen;
    } catch (error) {
      if (error instanceof DbsError && error.retryable && error.code !== 'Cancelled') return error;
      throw error;
    }
  };

  let outcome: Outcome = 'timeout';
  for (;;) {
    if (signal?.aborted) throw cancelled();
    looks += 1;
    const at = clock.now();
    const seen = await look();
    if (seen instanceof DbsError) {
      failedLooks += 1;
      lastFailure = seen;
    } else {
      const previous = transitions[transitions.length - 1];
      if (previous === undefined || previous.status !== seen.status || previous.state !== seen.state) {
        transitions.push({ at: isoTime(at), state: seen.state, status: seen.status });
      }
      task = seen;
      failedLooks = 0;
    }
    deps.onLook?.({ look: looks, elapsedMs: clock.now() - started, task: seen instanceof DbsError ? null : seen, error: seen instanceof DbsError ? seen : null });
    const settled = seen instanceof DbsError ? null : outcomeOf(seen.state);
    if (settled !== null) {
      outcome = settled;
      break;
    }
    const now = clock.now();
    if (now >= deadline) break;
    await clock.sleep(Math.min(intervalMs, deadline - now), signal);
  }

  // No look ever worked: the wait has nothing to tell but the error of the last one.
  if (task === null) throw lastFailure ?? new DbsError('UnexpectedError', 'the wait ended without a look');
  const warnings: string[] = [];
  if (failedLooks > 0 && lastFailure !== null) {
    warnings.push(
      `the last ${failedLooks === 1 ? 'look' : `${failedLooks} looks`} failed (${lastFailure.code}: ${lastFailure.message}); the state shown is from the look before`,
    );
  }
  return {
    request: { regionId, endpoint: endpoint.host, requestIds },
    outcome,
    waitedSeconds: Math.round((clock.now() - started) / 100) / 10,
    looks,
    task,
    transitions,
    warnings,
    next: outcome === 'timeout' ? nextWaitArguments(input) : null,
  };
}

/** `3m 10s`, `45s`, `1h 2m`: how long, for a reader. */
export function humanDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${whole % 60}s`;
  return `${Math.floor(whole / 3600)}h ${Math.floor(whole / 60) % 60}m`;
}

function stateWithStatus(task: DownloadTask): string {
  if (task.status === null || task.status === task.state) return task.state;
  const meaning = statusMeaning(task.status);
  return `${task.state} (${task.status}${meaning === null || meaning === task.state ? '' : `: ${meaning}`})`;
}

/** The text block: the outcome first, then what to do next, then the task field by field. */
export function renderWaitText(result: WaitResult): string {
  const { task } = result;
  const id = task.taskId ?? 'the task';
  const took = `after ${humanDuration(result.waitedSeconds)}, ${result.looks} ${result.looks === 1 ? 'look' : 'looks'}`;
  const where = `(region ${result.request.regionId}, times UTC)`;
  const lines: string[] = [];
  switch (result.outcome) {
    case 'succeeded':
      lines.push(`${id} succeeded ${took} ${where}.`);
      break;
    case 'failed':
      lines.push(`${id} failed: ${stateWithStatus(task)} ${took} ${where}.`);
      lines.push(`Error: ${task.errorMessage ?? 'the API gave no error message'}`);
      break;
    case 'paused':
      lines.push(`${id} is paused ${took} ${where}: it will not move until someone resumes it, so the wait stopped.`);
      break;
    case 'timeout':
      lines.push(`${id} has not settled ${took} ${where}: it is ${stateWithStatus(task)}. This is not an error.`);
      lines.push(`To keep waiting, call ${WAIT_TOOL_NAME} with ${JSON.stringify(result.next)}`);
      break;
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  const seen = result.transitions.map((t) => `${t.at.slice(11, 19)} ${t.status ?? t.state}`);
  lines.push(`Seen: ${seen.join(' -> ')}`);
  lines.push(...taskDetailLines(task));
  return lines.join('\n');
}
