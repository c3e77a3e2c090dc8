import { describe, expect, it } from 'vitest';
import type { CallOptions, DbsClient } from '../../src/dbs/client.js';
import { DbsError } from '../../src/dbs/errors.js';
import { describeBackupSetDownloadTaskList, type DownloadTaskPageParams } from '../../src/dbs/operations.js';
import type { RawItem, RawPage } from '../../src/dbs/page.js';
import { renderWaitText, waitedText } from '../../src/tools/wait-for-backup-set-download-task/render.js';
import {
  KEPT_TRANSITIONS,
  nextWaitArguments,
  outcomeOf,
  waitForDownloadTask,
  type Clock,
  type WaitInput,
} from '../../src/tools/wait-for-backup-set-download-task/wait.js';
import { fakeCall } from '../helpers/fake-client.js';
import { TEST_CONFIG } from '../helpers/in-memory.js';

/** A clock whose sleeps pass at once, moving time on by what was slept. */
function fakeClock(startMs = Date.UTC(2026, 11, 3, 9, 0, 0)): Clock & { sleeps: number[] } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Answers look n (zero-based) with what `script[n]` gives: a raw status, an error, or no task at all. */
function scriptedClient(script: (string | DbsError | null)[]): DbsClient & { requests: DownloadTaskPageParams[] } {
  const requests: DownloadTaskPageParams[] = [];
  const call = fakeCall({
    [describeBackupSetDownloadTaskList.action]: (request: DownloadTaskPageParams): RawPage => {
      const step = script[Math.min(requests.length, script.length - 1)];
      requests.push(request);
      if (step instanceof DbsError) throw step;
      const items: RawItem[] =
        step === null || step === undefined
          ? []
          : [{ BackupSetDownloadTaskId: 'dbstk1', BackupSetDownloadStatus: step, ErrMessage: step === 'stop' ? 'gateway offline' : '' }];
      return { requestId: `REQ-${requests.length}`, pageNum: 0, pageSize: 30, totalElements: items.length, totalPages: items.length, items };
    },
  });
  return { requests, call };
}

const INPUT: WaitInput = { backupSetDownloadTaskId: 'dbstk1', timeoutSeconds: 50, pollIntervalSeconds: 10, includeUrls: false };
const throttled = (): DbsError => new DbsError('Throttling.User', 'Request was denied due to user flow control.', { retryable: true, attempts: 3 });

describe('waitForDownloadTask', () => {
  it('looks at once, then every poll interval, until the task settles', async () => {
    const clock = fakeClock();
    const client = scriptedClient(['checking', 'running', 'running', 'finish']);
    const result = await waitForDownloadTask(INPUT, { client, config: TEST_CONFIG, clock });
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(result).toMatchObject({ outcome: 'succeeded', looks: 4, waitedSeconds: 30, next: null, warnings: [] });
    expect(result.transitions).toEqual([
      { at: '2026-12-03T09:00:00.000Z', state: 'pending', status: 'checking' },
      { at: '2026-12-03T09:00:10.000Z', state: 'running', status: 'running' },
      { at: '2026-12-03T09:00:30.000Z', state: 'succeeded', status: 'finish' },
    ]);
    expect(result.request).toEqual({ regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['REQ-1', 'REQ-2', 'REQ-3', 'REQ-4'] });
    expect(client.requests[0]).toMatchObject({ backupSetDownloadTaskId: 'dbstk1', pageNum: 0 });
  });

  it.each([
    ['init', 'failed'],
    ['stop', 'failed'],
    ['Caught', 'failed'],
    ['pause', 'paused'],
    ['finish', 'succeeded'],
  ])('settles at once on %s (%s)', async (status, outcome) => {
    const result = await waitForDownloadTask(INPUT, { client: scriptedClient([status]), config: TEST_CONFIG, clock: fakeClock() });
    expect(result).toMatchObject({ outcome, looks: 1 });
  });

  it('keeps waiting through unknown statuses and makes its last look at the deadline', async () => {
    const clock = fakeClock();
    const result = await waitForDownloadTask({ ...INPUT, timeoutSeconds: 25 }, { client: scriptedClient(['archived']), config: TEST_CONFIG, clock });
    expect(clock.sleeps).toEqual([10_000, 10_000, 5_000]);
    expect(result).toMatchObject({ outcome: 'timeout', looks: 4, waitedSeconds: 25 });
    expect(result.next).toEqual({ backupSetDownloadTaskId: 'dbstk1', timeoutSeconds: 25, pollIntervalSeconds: 10 });
  });

  it('goes on past looks that failed after their retries', async () => {
    const result = await waitForDownloadTask(INPUT, {
      client: scriptedClient(['running', throttled(), throttled(), 'finish']),
      config: TEST_CONFIG,
      clock: fakeClock(),
    });
    expect(result).toMatchObject({ outcome: 'succeeded', looks: 4, warnings: [] });
  });

  it('says so when the last looks failed and the state shown is older', async () => {
    const result = await waitForDownloadTask(
      { ...INPUT, timeoutSeconds: 20 },
      { client: scriptedClient(['running', throttled()]), config: TEST_CONFIG, clock: fakeClock() },
    );
    expect(result.outcome).toBe('timeout');
    expect(result.warnings).toEqual([
      'the last 2 looks failed (Throttling.User: Request was denied due to user flow control.); the state shown is from the look before',
    ]);
  });

  it('fails with the last error when no look worked', async () => {
    await expect(
      waitForDownloadTask({ ...INPUT, timeoutSeconds: 20 }, { client: scriptedClient([throttled()]), config: TEST_CONFIG, clock: fakeClock() }),
    ).rejects.toMatchObject({
      code: 'Throttling.User',
    });
  });

  it('fails at once on an error no retry cures, and on a task that is not there', async () => {
    const forbidden = new DbsError('Forbidden.RAM', 'no permission', { httpStatus: 403 });
    const client = scriptedClient(['running', forbidden]);
    await expect(waitForDownloadTask(INPUT, { client, config: TEST_CONFIG, clock: fakeClock() })).rejects.toBe(forbidden);
    expect(client.requests).toHaveLength(2);
    const missing = scriptedClient([null]);
    await expect(
      waitForDownloadTask({ ...INPUT, backupPlanId: 'dbs1plan' }, { client: missing, config: TEST_CONFIG, clock: fakeClock() }),
    ).rejects.toMatchObject({
      code: 'TaskNotFound',
      message: 'no download task dbstk1 in backup plan dbs1plan in region cn-hangzhou',
    });
  });

  it('takes a status that only changes case for no change', async () => {
    const client = scriptedClient(['running', 'Running', 'RUNNING', 'running', 'finish']);
    const result = await waitForDownloadTask(INPUT, { client, config: TEST_CONFIG, clock: fakeClock() });
    expect(result.transitions.map((t) => t.status)).toEqual(['running', 'finish']);
    expect(result.transitionsDropped).toBe(0);
  });

  it('keeps the newest transitions only, and counts the ones left out', async () => {
    const flips = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'checking' : 'schedule'));
    const clock = fakeClock();
    const result = await waitForDownloadTask({ ...INPUT, timeoutSeconds: 290 }, { client: scriptedClient(flips), config: TEST_CONFIG, clock });
    expect(result.looks).toBe(30);
    expect(result.transitions).toHaveLength(KEPT_TRANSITIONS);
    expect(result.transitionsDropped).toBe(30 - KEPT_TRANSITIONS);
    expect(result.transitions[0]!.at).toBe('2026-12-03T09:01:40.000Z');
    expect(renderWaitText(result)).toContain(`Seen (${30 - KEPT_TRANSITIONS} earlier changes left out): 09:01:40 checking -> 09:01:50 schedule`);
  });

  it('ends after three failed looks in a row with the last error and what was seen before', async () => {
    const client = scriptedClient(['running', throttled(), 'running', throttled(), throttled(), throttled(), 'finish']);
    await expect(waitForDownloadTask(INPUT, { client, config: TEST_CONFIG, clock: fakeClock() })).rejects.toMatchObject({
      code: 'Throttling.User',
      message:
        'Request was denied due to user flow control. (3 looks in a row failed, so the wait stopped; the task was last seen running (running) at 09:00:00 UTC)',
    });
    expect(client.requests).toHaveLength(6);
  });

  it('bounds every look by the time left, and sends looks in the background lane', async () => {
    const options: CallOptions[] = [];
    const client: DbsClient = {
      call: async (_operation, _params, callOptions) => {
        options.push(callOptions);
        return {
          requestId: null,
          pageNum: 0,
          pageSize: 30,
          totalElements: 1,
          totalPages: 1,
          items: [{ BackupSetDownloadTaskId: 'dbstk1', BackupSetDownloadStatus: 'running' }],
        } as never;
      },
    };
    const before = Date.now();
    await waitForDownloadTask({ ...INPUT, timeoutSeconds: 20 }, { client, config: TEST_CONFIG, clock: fakeClock() });
    const after = Date.now();
    expect(options.map((o) => o.lane)).toEqual(['background', 'background', 'background']);
    // Looks at 0, 10 and 20 s of the wait's clock: 20, 10 and 0 s left, plus the last look's 1.5 s.
    const left = options.map((o) => o.deadline!);
    [21_500, 11_500, 1_500].forEach((ms, i) => {
      expect(left[i]).toBeGreaterThanOrEqual(before + ms);
      expect(left[i]).toBeLessThanOrEqual(after + ms);
    });
  });

  it('stops before a look once cancelled', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const client = scriptedClient(['running']);
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      controller.abort();
      await sleep(ms, signal);
    };
    await expect(waitForDownloadTask(INPUT, { client, config: TEST_CONFIG, clock, signal: controller.signal })).rejects.toMatchObject({ code: 'Cancelled' });
    expect(client.requests).toHaveLength(1);
  });
});

describe('outcomeOf, nextWaitArguments, waitedText', () => {
  it('settles on succeeded, failed and paused only', () => {
    expect(['pending', 'running', 'paused', 'succeeded', 'failed', 'unknown'].map((s) => outcomeOf(s as never))).toEqual([
      null,
      null,
      'paused',
      'succeeded',
      'failed',
      null,
    ]);
  });

  it('repeats every argument that shapes the wait', () => {
    expect(nextWaitArguments({ ...INPUT, backupPlanId: 'p', regionId: 'ap-southeast-1', includeUrls: true })).toEqual({
      backupSetDownloadTaskId: 'dbstk1',
      backupPlanId: 'p',
      regionId: 'ap-southeast-1',
      timeoutSeconds: 50,
      pollIntervalSeconds: 10,
      includeUrls: true,
    });
  });

  it.each([
    [0.4, '0s'],
    [45, '45s'],
    [190, '3m 10s'],
    [3720, '1h 02m 00s'],
  ])('%s s reads %s', (seconds, text) => {
    expect(waitedText(seconds)).toBe(text);
  });
});

describe('renderWaitText', () => {
  it('puts the outcome first, then the error of a failed task, then every field', async () => {
    const result = await waitForDownloadTask(INPUT, { client: scriptedClient(['running', 'stop']), config: TEST_CONFIG, clock: fakeClock() });
    const lines = renderWaitText(result).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'dbstk1 failed: failed (stop: download task failed) after 10s, 2 looks (region cn-hangzhou, times UTC).',
      'Error: gateway offline',
      'Seen: 09:00:00 running -> 09:00:10 stop',
    ]);
    expect(lines).toContain('State: failed (stop: download task failed)');
  });
});
