import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { connectClient, INITIALIZE, MCP_HEADERS, rawRequest, runServer, spawnHttpServer, sseMessages, type HttpServerProcess } from '../helpers/http.js';
import { simulatorEnv } from '../helpers/stdio.js';

interface Structured {
  page: { pagesFetched: number; hasMore: boolean };
  summary: { fetched: number };
  tasks: { taskId: string }[];
}

const PLAN = 'dbs1httpplan01';
const tasks = makeTasks({ planId: PLAN, count: 75, seed: 11 });
const TOKEN = 'e2e-token-7c0f4b9a2d6e41f3a8b5c9d0e1f2a3b4';
const WRONG_TOKEN = 'e2e-token-7c0f4b9a2d6e41f3a8b5c9d0e1f2a3b5';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: tasks } });
});

afterAll(async () => {
  await sim?.close();
});

async function callTool(client: Client, args: Record<string, unknown>, onprogress?: (p: { progress: number }) => void): Promise<CallToolResult> {
  return (await client.callTool({ name: 'list_backup_set_download_tasks', arguments: args }, undefined, { onprogress, timeout: 20_000 })) as CallToolResult;
}

/** Resolves once the simulator has received `count` more requests than `before`. */
async function simulatorReceived(before: number, count = 1): Promise<void> {
  for (let i = 0; i < 400 && sim.requests.length < before + count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(sim.requests.length).toBeGreaterThanOrEqual(before + count);
}

describe('the built server over Streamable HTTP, with a token', () => {
  let server: HttpServerProcess;
  let client: Client;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: TOKEN, DBS_MCP_LOG_LEVEL: 'debug' }));
    client = await connectClient(server.url, TOKEN);
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('prints where it listens: loopback, the port asked for, path /mcp', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/mcp`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves a real MCP client: tools/list, then a tool call with progress over SSE', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans', 'wait_for_backup_set_download_task']);
    expect(tools[0]!.outputSchema?.type).toBe('object');

    const before = sim.requests.length;
    const progress: number[] = [];
    const result = await callTool(client, { backupPlanId: PLAN, allPages: true, pageSize: 30 }, (p) => progress.push(p.progress));
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as unknown as Structured;
    expect(s.summary.fetched).toBe(75);
    expect(s.page).toMatchObject({ pagesFetched: 3, hasMore: false });
    expect(new Set(s.tasks.map((t) => t.taskId))).toEqual(new Set(tasks.map((t) => t.BackupSetDownloadTaskId)));
    // Every page was a signed request the simulator verified.
    expect(sim.requests.slice(before).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('answers concurrent calls from several clients, each with its own result', async () => {
    const others = await Promise.all([connectClient(server.url, TOKEN), connectClient(server.url, TOKEN)]);
    try {
      const results = await Promise.all(
        [0, 1, 2].flatMap((pageNum) => [client, ...others].map(async (c) => [pageNum, await callTool(c, { backupPlanId: PLAN, pageNum })] as const)),
      );
      for (const [pageNum, result] of results) {
        const ids = (result.structuredContent as unknown as Structured).tasks.map((t) => t.taskId).sort();
        expect(ids).toEqual(
          tasks
            .slice(pageNum * 30, pageNum * 30 + 30)
            .map((t) => t.BackupSetDownloadTaskId)
            .sort(),
        );
      }
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  it('is stateless: a tools/call without any initialize on that connection is answered', async () => {
    const call = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'list_backup_set_download_tasks', arguments: { backupPlanId: PLAN, limit: 1 } },
    });
    const response = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: call });
    expect(response.status).toBe(200);
    expect(response.headers['mcp-session-id']).toBeUndefined();
    const [message] = sseMessages(response.body) as { id: number; result: { structuredContent: Structured } }[];
    expect(message!.id).toBe(7);
    expect(message!.result.structuredContent.summary.fetched).toBe(30);
  });

  it('answers 401 without a token, with a wrong one and with another scheme', async () => {
    const variants: Record<string, string>[] = [
      {},
      { Authorization: `Bearer ${WRONG_TOKEN}` },
      { Authorization: `Bearer ${TOKEN.slice(0, 8)}` },
      { Authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of variants) {
      const response = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="dbs-backup-mcp"');
      expect(JSON.parse(response.body)).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32000, message: expect.stringMatching(/^Unauthorized: (missing|wrong) bearer token$/) },
      });
    }
    await expect(connectClient(server.url, WRONG_TOKEN)).rejects.toThrow('Unauthorized: wrong bearer token');
  });

  it('refuses a foreign Host (DNS rebinding) and accepts the loopback names', async () => {
    const foreign = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth, Host: `evil.example.com:${server.port}` }, body: INITIALIZE });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.message).toBe(`Forbidden: Host "evil.example.com:${server.port}" is not allowed (DBS_MCP_ALLOWED_HOSTS)`);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      const response = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth, Host: host }, body: INITIALIZE });
      expect([host, response.status]).toEqual([host, 200]);
    }
  });

  it('checks Host before the token: a rebinding page learns nothing about it', async () => {
    const response = await rawRequest(server.url, { headers: { ...MCP_HEADERS, Host: 'evil.example.com' }, body: INITIALIZE });
    expect(response.status).toBe(403);
  });

  it('refuses a foreign Origin and accepts a loopback one', async () => {
    const foreign = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth, Origin: 'http://evil.example.com' }, body: INITIALIZE });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.message).toBe('Forbidden: Origin "http://evil.example.com" is not allowed (DBS_MCP_ALLOWED_ORIGINS)');
    const local = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth, Origin: 'http://localhost:6274' }, body: INITIALIZE });
    expect(local.status).toBe(200);
    expect(sseMessages(local.body)).toMatchObject([{ id: 1, result: { serverInfo: { name: 'dbs-backup-mcp' } } }]);
  });

  it('answers 405 to GET and DELETE on /mcp, 404 elsewhere, 413 to a large body, 400 to bad JSON', async () => {
    const get = await rawRequest(server.url, { method: 'GET', headers: { Accept: 'text/event-stream', ...auth } });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    const del = await rawRequest(server.url, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(405);
    const elsewhere = await rawRequest(server.url.replace(/\/mcp$/, '/sse'), { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
    expect(elsewhere.status).toBe(404);
    const large = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: JSON.stringify({ padding: 'x'.repeat(70_000) }) });
    expect(large.status).toBe(413);
    const garbage = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: '{"jsonrpc":' });
    expect([garbage.status, JSON.parse(garbage.body).error.code]).toEqual([400, -32700]);
  });

  it('answers the health check without a token and with any Host', async () => {
    const health = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET', headers: { Host: '10.0.0.7:8816' } });
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok' }]);
  });

  it('never writes the token to its log, even at debug level', () => {
    expect(server.stderr()).toContain('refused POST /mcp');
    expect(server.stderr()).toContain('bearer token required');
    expect(server.stderr()).not.toContain(TOKEN);
    expect(server.stderr()).not.toContain(WRONG_TOKEN);
    expect(server.stderr()).not.toContain(TOKEN.slice(0, 8));
  });
});

describe('allowed hosts and origins from the environment', () => {
  it('accepts only the configured Host and Origin values', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_ALLOWED_HOSTS: 'mcp.example.com', DBS_MCP_ALLOWED_ORIGINS: 'https://chat.example.com' }));
    try {
      const status = async (headers: Record<string, string>): Promise<number> =>
        (await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE })).status;
      expect(await status({ Host: `mcp.example.com:${server.port}` })).toBe(200);
      expect(await status({ Host: 'mcp.example.com', Origin: 'https://chat.example.com' })).toBe(200);
      expect(await status({ Host: 'mcp.example.com', Origin: 'http://localhost:6274' })).toBe(403);
      expect(await status({ Host: `127.0.0.1:${server.port}` })).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

describe('start-up refusals and the command line', () => {
  it('refuses to listen on a non-loopback address without a token: exit 2, a clear message, no listener', async () => {
    const result = await runServer(simulatorEnv(sim), ['--http', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without DBS_MCP_HTTP_TOKEN');
    expect(result.stderr).not.toContain('listening on');
    expect(result.stdout).toBe('');
  });

  it('listens on all addresses when given a token', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: TOKEN }), ['--host', '0.0.0.0']);
    try {
      expect(server.url).toBe(`http://0.0.0.0:${server.port}/mcp`);
      // Only loopback names pass the Host check until DBS_MCP_ALLOWED_HOSTS names the public one.
      const local = await rawRequest(`http://127.0.0.1:${server.port}/mcp`, {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}` },
        body: INITIALIZE,
      });
      expect(local.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('rejects a short token without printing it: exit 1', async () => {
    const result = await runServer(simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: 'hunter2' }), ['--http', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DBS_MCP_HTTP_TOKEN must be at least 16 visible ASCII characters');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('rejects unknown options with exit 2 and prints usage for --help', async () => {
    const unknown = await runServer(simulatorEnv(sim), ['--htpp']);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toBe("dbs-backup-mcp: Unknown option '--htpp'\nRun dbs-backup-mcp --help for the options.\n");
    const help = await runServer(simulatorEnv(sim), ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: dbs-backup-mcp \[--http \[--port N\] \[--host H\]\]/);
    expect(help.stdout).toContain('default 8816');
  });
});

describe('shutdown', () => {
  it('exits 0 on SIGTERM when idle, and closing stdin does not stop it', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim));
    server.child.stdin?.end();
    await new Promise((r) => setTimeout(r, 200));
    const health = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(health.status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain('shutting down (SIGTERM)');
    await expect(rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits 0 on SIGINT', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim));
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('lets a call in flight finish before exiting', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_SHUTDOWN_GRACE_MS: '10000' }));
    const client = await connectClient(server.url);
    sim.setLatency(800);
    try {
      const before = sim.requests.length;
      const call = callTool(client, { backupPlanId: PLAN, limit: 5 });
      await simulatorReceived(before);
      server.child.kill('SIGTERM');
      const result = await call;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as unknown as Structured).summary.fetched).toBe(30);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toContain('waiting up to 10000 ms for 1 request(s)');
    } finally {
      sim.setLatency(0);
      await client.close();
    }
  });

  it('answers a call still running after the grace period with an error, then exits 0', async () => {
    const server = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_SHUTDOWN_GRACE_MS: '300' }));
    const client = await connectClient(server.url);
    sim.addFault({ kind: 'hang', times: 1 });
    try {
      const before = sim.requests.length;
      const call = callTool(client, { backupPlanId: PLAN });
      await simulatorReceived(before);
      server.child.kill('SIGTERM');
      await expect(call).rejects.toThrow('MCP error -32000: dbs-backup-mcp is shutting down; the call was cancelled after 300 ms: call again');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toContain('cancelling 1 request(s) still running');
    } finally {
      sim.clearFaults();
      await client.close();
    }
  });
});
