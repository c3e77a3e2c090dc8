/** The wait tool over stateless Streamable HTTP: plain calls work; tasks do not outlive their request. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { connectClient, spawnHttpServer, type HttpServerProcess } from '../helpers/http.js';
import { simulatorEnv } from '../helpers/stdio.js';

const PLAN = 'dbs1httpwait01';
const TOOL = 'wait_for_backup_set_download_task';
const [template] = makeTasks({ planId: PLAN, count: 1, seed: 5 });
const task = (id: string) => ({ ...template, BackupSetDownloadTaskId: id, BackupSetDownloadStatus: 'running', BackupSetDownloadFinishTime: 0, ErrMessage: '' });
const TOKEN = 'e2e-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9';

let sim: Simulator;
let server: HttpServerProcess;
let client: Client;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: [task('dbstkhttp1'), task('dbstkhttp2'), task('dbstkhttp3')] } });
  server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: TOKEN }));
  client = await connectClient(server.url, TOKEN);
});
afterAll(async () => {
  await client?.close();
  await server?.stop();
  await sim?.close();
});

describe('wait_for_backup_set_download_task over stateless HTTP', () => {
  it('waits in a plain call, with progress', async () => {
    sim.setTaskTimeline('dbstkhttp1', [{ afterMs: 1000, set: { BackupSetDownloadStatus: 'finish' } }]);
    const messages: string[] = [];
    const result = (await client.callTool({ name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstkhttp1', pollIntervalSeconds: 2 } }, undefined, {
      onprogress: (p) => messages.push(p.message ?? ''),
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ outcome: 'succeeded', looks: 2 });
    expect(messages[0]).toMatch(/^look 1: running \(running\)/);
  });

  it('offers no MCP tasks, so a task-capable client gets the plain call', async () => {
    expect(client.getServerCapabilities()?.tasks).toBeUndefined();
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === TOOL)?.execution?.taskSupport).not.toBe('optional');
    sim.setTaskTimeline('dbstkhttp2', [{ afterMs: 0, set: { BackupSetDownloadStatus: 'pause' } }]);
    const stream = client.experimental.tasks.callToolStream({ name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstkhttp2' } }, CallToolResultSchema);
    const seen: string[] = [];
    let result: CallToolResult | undefined;
    for await (const message of stream) {
      seen.push(message.type);
      if (message.type === 'result') result = message.result as CallToolResult;
    }
    expect(seen).toEqual(['result']);
    expect(result?.structuredContent).toMatchObject({ outcome: 'paused', looks: 1 });
  });

  it('stops the wait when the client goes away', async () => {
    // A notifications/cancelled is a POST of its own, served by a server of its own: it cannot reach
    // the wait. Closing the connection does: the request's server closes, which aborts its work.
    const leaving = await connectClient(server.url, TOKEN);
    const before = sim.requests.length;
    const call = leaving.callTool({ name: TOOL, arguments: { backupSetDownloadTaskId: 'dbstkhttp3', pollIntervalSeconds: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await leaving.close();
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(sim.requests.length).toBe(before + 1);
  });
});
