/** The wait tool in the built server over stdio, against the simulator: plain, cancelled, and from a task-capable client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

const PLAN = 'dbs1e2ewait001';
const TOOL = 'wait_for_backup_set_download_task';
const [template] = makeTasks({ planId: PLAN, count: 1, seed: 3 });
const task = (id: string) => ({ ...template, BackupSetDownloadTaskId: id, BackupSetDownloadStatus: 'running', BackupSetDownloadFinishTime: 0, ErrMessage: '' });

let sim: Simulator;
let session: StdioSession;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: [task('dbstkplain'), task('dbstkcancel'), task('dbstktask')] } });
  session = await spawnServer(simulatorEnv(sim));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

const requestsFor = (id: string): number => sim.requests.filter((r) => r.query.BackupSetDownloadTaskId === id).length;

describe('wait_for_backup_set_download_task over stdio', () => {
  it('waits with a progress notification per look and returns soon after the change', async () => {
    sim.setTaskTimeline('dbstkplain', [{ afterMs: 2500, set: { BackupSetDownloadStatus: 'finish' } }]);
    const messages: string[] = [];
    const started = Date.now();
    const result = (await session.client.callTool({ name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstkplain', pollIntervalSeconds: 2 } }, undefined, {
      onprogress: (p) => messages.push(p.message ?? ''),
    })) as CallToolResult;
    const ms = Date.now() - started;
    expect(result.structuredContent).toMatchObject({ outcome: 'succeeded', looks: 3 });
    // The SDK client hands a notification to its handler a microtask later; when the result arrives
    // in the same read, it drops the handler first, so the last look's notification may be lost.
    const looks = ['look 1: running (running)', 'look 2: running (running)', 'look 3: succeeded (finish)'];
    expect(looks.slice(0, Math.max(2, messages.length))).toEqual(messages.map((m) => m.replace(/, \d+s of 50s$/, '')));
    // Looks at 0, 2 and 4 s; the call ends with the third.
    expect(ms).toBeGreaterThanOrEqual(4000);
    expect(ms).toBeLessThan(4900);
  });

  it('stops at once when the client cancels, with no further request', async () => {
    const controller = new AbortController();
    const call = session.client.callTool({ name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstkcancel', pollIntervalSeconds: 2 } }, undefined, {
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(requestsFor('dbstkcancel')).toBe(1);
    expect(session.stderr()).toMatch(/wait_for_backup_set_download_task: cancelled by the client after \d+ ms/);
  });

  it('answers a task-capable client with the plain call: the server offers no MCP tasks', async () => {
    expect(session.client.getServerCapabilities()?.tasks).toBeUndefined();
    sim.setTaskTimeline('dbstktask', [{ afterMs: 1000, set: { BackupSetDownloadStatus: 'stop', ErrMessage: 'backup gateway offline' } }]);
    const stream = session.client.experimental.tasks.callToolStream(
      { name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstktask', pollIntervalSeconds: 2 } },
      CallToolResultSchema,
    );
    const seen: string[] = [];
    let result: CallToolResult | undefined;
    for await (const message of stream) {
      seen.push(message.type);
      if (message.type === 'result') result = message.result as CallToolResult;
      if (message.type === 'error') throw message.error;
    }
    expect(seen).toEqual(['result']);
    expect(result?.structuredContent).toMatchObject({ outcome: 'failed', looks: 2, task: { status: 'stop', errorMessage: 'backup gateway offline' } });
    expect(requestsFor('dbstktask')).toBe(2);
  });
});
