/**
 * The wait tool through a real MCP client, in memory, against the simulator (real signing), on the
 * real clock: polls are 2 s apart at the least, so these tests take seconds each.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';
import { parseEndpoint } from '../../src/dbs/endpoint.js';
import { createDbsClient } from '../../src/dbs/client.js';
import { TEST_CONFIG, setup } from '../helpers/in-memory.js';

const PLAN = 'dbs1waitplan01';
const TOOL = 'wait_for_backup_set_download_task';
const CREATED = Date.UTC(2026, 11, 3, 9, 0, 0);

function rawTask(id: string, status: string, extra: RawTask = {}): RawTask {
  return {
    BackupSetDownloadTaskId: id,
    BackupSetDownloadTaskName: `nightly-${id}`,
    BackupPlanId: PLAN,
    BackupSetId: 'bs-1',
    BackupSetDbType: 'MySQL',
    BackupSetDataFormat: 'Native',
    BackupSetDataSize: 5 * 1024 ** 3,
    BackupSetDownloadStatus: status,
    BackupSetDownloadCreateTime: CREATED,
    BackupSetDownloadFinishTime: 0,
    ...extra,
  };
}

let sim: Simulator;
let session: Awaited<ReturnType<typeof setup>>;

beforeEach(async () => {
  sim = await startSimulator({
    plans: {
      [PLAN]: [
        rawTask('dbstkrun', 'running'),
        rawTask('dbstkstop', 'stop', { ErrMessage: 'disk full on download target: 0 bytes left in /data/dbs' }),
        rawTask('dbstkpause', 'pause'),
        rawTask('dbstkurl', 'finish', { BackupSetDownloadInternetUrl: 'https://oss.example/backup.tar.gz?Signature=abc' }),
      ],
    },
  });
  const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 2, backoffMs: () => 20, credentials: async () => TEST_CREDENTIALS });
  session = await setup(client, { ...TEST_CONFIG, endpointOverride: parseEndpoint(sim.url), maxAttempts: 2 });
});
afterEach(async () => {
  await session.close();
  await sim.close();
});

type Result = CallToolResult & { text: string; ms: number };

async function wait(
  args: Record<string, unknown>,
  options: { signal?: AbortSignal; onprogress?: (p: { progress: number; total?: number; message?: string }) => void } = {},
): Promise<Result> {
  const started = Date.now();
  const result = (await session.mcp.callTool({ name: TOOL, arguments: args }, undefined, { ...options, timeout: 60_000 })) as CallToolResult;
  return { ...result, ms: Date.now() - started, text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
}

interface WaitOutput {
  outcome: string;
  looks: number;
  waitedSeconds: number;
  next: Record<string, unknown> | null;
  transitions: { at: string; state: string; status: string | null }[];
  task: Record<string, unknown>;
  warnings: string[];
}
const output = (result: CallToolResult): WaitOutput => result.structuredContent as unknown as WaitOutput;

const apiRequests = (): number => sim.requests.filter((r) => r.path === '/').length;

describe('wait_for_backup_set_download_task, plain calls', () => {
  it('returns succeeded within one poll interval (plus a request) of the change', async () => {
    sim.setTaskTimeline('dbstkrun', [{ afterMs: 500, set: { BackupSetDownloadStatus: 'finish', BackupSetDownloadFinishTime: CREATED + 3_600_000 } }]);
    const result = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2, timeoutSeconds: 30 });
    expect(result.isError).toBeFalsy();
    const out = output(result);
    expect(out.outcome).toBe('succeeded');
    expect(out.looks).toBe(2);
    expect(out.next).toBeNull();
    expect(out.transitions.map((t) => t.status)).toEqual(['running', 'finish']);
    expect(out.task).toMatchObject({ taskId: 'dbstkrun', state: 'succeeded', status: 'finish', finishedAt: '2026-12-03T10:00:00.000Z' });
    expect(result.text.split('\n')[0]).toMatch(/^dbstkrun succeeded after 2s, 2 looks \(region cn-hangzhou/);
    // The change came at 0.5 s; the second look is at 2 s, and the answer follows it at once.
    expect(result.ms).toBeGreaterThanOrEqual(2000);
    expect(result.ms).toBeLessThan(2900);
    expect(apiRequests()).toBe(2);
  });

  it('ends at once on a failed task (stop), with its error, as a result and not an error', async () => {
    // A first call loads and connects what later calls reuse, so the timing below is the call's own.
    await wait({ backupSetDownloadTaskId: 'dbstkpause' });
    const result = await wait({ backupSetDownloadTaskId: 'dbstkstop', backupPlanId: PLAN });
    expect(result.isError).toBeFalsy();
    const out = output(result);
    expect(out).toMatchObject({ outcome: 'failed', looks: 1, next: null, task: { state: 'failed', status: 'stop' } });
    const lines = result.text.split('\n');
    expect(lines[0]).toMatch(/^dbstkstop failed: failed \(stop: download task failed\) after 0s, 1 look/);
    expect(lines[1]).toBe('Error: disk full on download target: 0 bytes left in /data/dbs');
    expect(sim.requests[1]?.query).toMatchObject({ BackupSetDownloadTaskId: 'dbstkstop', BackupPlanId: PLAN });
    // A settled task is answered at the first look, without waiting for a poll interval.
    expect(result.ms).toBeLessThan(500);
  });

  it('ends on a paused task and says that it needs a person', async () => {
    const result = await wait({ backupSetDownloadTaskId: 'dbstkpause' });
    expect(output(result).outcome).toBe('paused');
    expect(result.text.split('\n')[0]).toMatch(/is paused after 0s, 1 look .*will not move until someone resumes it/);
  });

  it('times out without an error and gives the exact arguments that keep waiting', async () => {
    const args = { backupSetDownloadTaskId: 'dbstkrun', backupPlanId: PLAN, timeoutSeconds: 1, pollIntervalSeconds: 5 };
    const result = await wait(args);
    expect(result.isError).toBeFalsy();
    const out = output(result);
    expect(out.outcome).toBe('timeout');
    // One look at once, one at the deadline.
    expect(out.looks).toBe(2);
    expect(out.waitedSeconds).toBeGreaterThanOrEqual(1);
    expect(out.next).toEqual({ ...args });
    expect(result.text).toContain(`To keep waiting, call ${TOOL} with ${JSON.stringify(args)}`);
    expect(result.text.split('\n')[0]).toMatch(/^dbstkrun has not settled after 1s, 2 looks .*: it is running\. This is not an error\./);

    sim.setTaskTimeline('dbstkrun', [{ afterMs: 0, set: { BackupSetDownloadStatus: 'finish' } }]);
    const again = await wait(out.next!);
    expect(output(again).outcome).toBe('succeeded');
  });

  it('answers an unknown task id with an error at the first look', async () => {
    const result = await wait({ backupSetDownloadTaskId: 'dbstknothere' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^TaskNotFound: no download task dbstknothere in region cn-hangzhou\nNext: /);
    expect(apiRequests()).toBe(1);
  });

  it('stops at once on cancellation, aborting the request in flight, and sends nothing more', async () => {
    sim.setLatency(1500);
    const controller = new AbortController();
    const call = wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2 }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(apiRequests()).toBe(1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(apiRequests()).toBe(1);
    // The request in flight was aborted: its socket is gone, not kept waiting for the answer.
    expect(sim.openConnections()).toBe(0);
    expect(session.logLines.join('\n')).toMatch(/wait_for_backup_set_download_task: cancelled by the client after \d+ ms/);
  });

  it('stops between looks on cancellation, with no further request', async () => {
    const controller = new AbortController();
    const progress: string[] = [];
    const call = wait(
      { backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2 },
      { signal: controller.signal, onprogress: (p) => progress.push(p.message ?? '') },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(apiRequests()).toBe(1);
    expect(progress).toHaveLength(1);
  });

  it('sends one progress notification per look, elapsed seconds against the timeout', async () => {
    sim.setTaskTimeline('dbstkrun', [
      { afterMs: 1000, set: { BackupSetDownloadStatus: 'Running' } },
      { afterMs: 3000, set: { BackupSetDownloadStatus: 'finish' } },
    ]);
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2, timeoutSeconds: 20 }, { onprogress: (p) => progress.push(p) });
    expect(output(result).looks).toBe(3);
    const looks = ['look 1: running (running), Ns of 20s', 'look 2: running (Running), Ns of 20s', 'look 3: succeeded (finish), Ns of 20s'];
    // The SDK client may drop the last look's notification when the result overtakes it (see e2e/wait.test.ts).
    expect(looks.slice(0, Math.max(2, progress.length))).toEqual(progress.map((p) => p.message?.replace(/, \d+s of/, ', Ns of')));
    expect(progress.every((p) => p.total === 20)).toBe(true);
    expect(progress[0]!.progress).toBeLessThan(1);
    expect(progress[1]!.progress).toBeGreaterThanOrEqual(2);
    // A status that only changes case is the same status: no transition for it.
    expect(output(result).transitions.map((t) => t.status)).toEqual(['running', 'finish']);
  });

  it('goes on past a look whose every attempt failed, and reports nothing of it once a later look works', async () => {
    sim.addFault({ kind: 'throttling', times: 2 });
    const progress: string[] = [];
    const result = await wait({ backupSetDownloadTaskId: 'dbstkpause', pollIntervalSeconds: 2 }, { onprogress: (p) => progress.push(p.message ?? '') });
    const out = output(result);
    expect(out).toMatchObject({ outcome: 'paused', looks: 2, warnings: [] });
    expect(progress[0]).toMatch(/^look 1: could not read the task \(Throttling.User\), 0s of 50s$/);
    expect(apiRequests()).toBe(3);
  });

  it('reports the error when no look worked', async () => {
    sim.addFault({ kind: 'throttling' });
    const result = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2, timeoutSeconds: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Throttling.User: /);
  });

  it('ends at once on an error that no retry can cure', async () => {
    sim.addFault({ kind: 'forbidden' });
    const result = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 2 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Forbidden.RAM: /);
    expect(apiRequests()).toBe(1);
  });

  it('shows download URLs only when asked', async () => {
    const without = await wait({ backupSetDownloadTaskId: 'dbstkurl' });
    expect(without.text).not.toContain('oss.example');
    expect(JSON.stringify(without.structuredContent)).not.toContain('oss.example');
    const withUrls = await wait({ backupSetDownloadTaskId: 'dbstkurl', includeUrls: true });
    expect(withUrls.text).toContain('https://oss.example/backup.tar.gz?Signature=abc');
  });

  it('rejects unknown keys and out-of-range values, naming them', async () => {
    const unknown = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollSeconds: 3 });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(
      /pollSeconds.*allowed keys: backupSetDownloadTaskId, backupPlanId, regionId, timeoutSeconds, pollIntervalSeconds, includeUrls/,
    );
    const fast = await wait({ backupSetDownloadTaskId: 'dbstkrun', pollIntervalSeconds: 1 });
    expect(fast.isError).toBe(true);
    expect(fast.text).toMatch(/pollIntervalSeconds/);
    const missing = await wait({ backupSetDownloadTaskId: '' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/backupSetDownloadTaskId is required/);
    expect(apiRequests()).toBe(0);
  });
});

describe('wait_for_backup_set_download_task is a plain tool', () => {
  it('is offered without MCP tasks: no tasks capability, taskSupport forbidden', async () => {
    expect(session.mcp.getServerCapabilities()?.tasks).toBeUndefined();
    const { tools } = await session.mcp.listTools();
    const tool = tools.find((t) => t.name === TOOL);
    expect(tool).toBeDefined();
    // The SDK states it outright for a tool registered without tasks.
    expect(tool?.execution?.taskSupport).toBe('forbidden');
  });
});
