/** The server as a process: cancellation, concurrency, garbage input, and ending promptly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { SERVER_PATH, simulatorEnv, spawnServer } from '../helpers/stdio.js';

const PLAN = 'dbs1procplan01';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 400, seed: 11 }) } });
});
afterAll(async () => {
  await sim?.close();
});

async function until(check: () => boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

describe('cancellation', () => {
  it('closes the in-flight HTTP request within a second and keeps serving', async () => {
    const own = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 40, seed: 1 }) } });
    const session = await spawnServer(simulatorEnv(own, { DBS_MCP_TIMEOUT_MS: '30000' }));
    try {
      own.addFault({ kind: 'hang', times: 1 });
      const controller = new AbortController();
      const pending = session.callTool({ backupPlanId: PLAN }, { signal: controller.signal });
      // Connected is not enough: wait until the simulator has taken the request (and its hang fault).
      await until(() => own.requests.length === 1 && own.openConnections() === 1, 5000);
      controller.abort();
      await expect(pending).rejects.toThrow(/abort/i);
      const closedIn = await until(() => own.openConnections() === 0, 1000);
      expect(closedIn).toBeLessThan(1000);

      const next = await session.callTool({ backupPlanId: PLAN });
      expect(next.isError).toBeFalsy();
      await until(() => /cancelled by the client/.test(session.stderr()), 1000);
    } finally {
      await session.close();
      await own.close();
    }
  });
});

describe('concurrency', () => {
  it('answers 40 concurrent calls correctly', async () => {
    sim.setLatency(20);
    const session = await spawnServer(simulatorEnv(sim));
    try {
      const calls = Array.from({ length: 40 }, (_, i) => ({ backupPlanId: PLAN, pageNum: i % 14, pageSize: 30 as const }));
      const results = await Promise.all(calls.map((args) => session.callTool(args)));
      results.forEach((result, i) => {
        expect(result.isError).toBeFalsy();
        const s = result.structuredContent as { page: { pageNum: number }; summary: { fetched: number } };
        expect(s.page.pageNum).toBe(calls[i]!.pageNum);
        expect(s.summary.fetched).toBe(calls[i]!.pageNum === 13 ? 10 : 30);
      });
    } finally {
      sim.setLatency(0);
      await session.close();
    }
  });
});

function rawServer(env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; lines: () => string[]; stderr: () => string } {
  const child = spawn(process.execPath, [SERVER_PATH], { env: { PATH: process.env.PATH ?? '', ...simulatorEnv(sim), ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, lines: () => out.split('\n').filter(Boolean), stderr: () => err };
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

async function initialised(server: ReturnType<typeof rawServer>): Promise<void> {
  server.child.stdin.write(`${INIT}\n`);
  await until(() => server.lines().some((l) => l.includes('"id":1')), 5000);
  server.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
}

async function exitAfter(server: ReturnType<typeof rawServer>, end: () => void): Promise<{ code: number | null; ms: number }> {
  const exited = once(server.child, 'exit');
  const started = performance.now();
  end();
  const [code] = (await exited) as [number | null];
  return { code, ms: performance.now() - started };
}

describe('process', () => {
  it('survives garbage lines on stdin and keeps answering', async () => {
    const server = rawServer();
    try {
      server.child.stdin.write('garbage\n{"not":"json-rpc"}\n{broken json\n\n');
      await initialised(server);
      server.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
      await until(() => server.lines().some((l) => l.includes('"id":2')), 5000);
      const answer = JSON.parse(server.lines().find((l) => l.includes('"id":2'))!) as { result: { tools: { name: string }[] } };
      expect(answer.result.tools.map((t) => t.name)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans', 'wait_for_backup_set_download_task']);
      // Only protocol messages on stdout.
      for (const line of server.lines()) expect(JSON.parse(line)).toHaveProperty('jsonrpc', '2.0');
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it.each([
    ['stdin EOF', (s: ReturnType<typeof rawServer>) => s.child.stdin.end()],
    ['SIGINT', (s: ReturnType<typeof rawServer>) => s.child.kill('SIGINT')],
    ['SIGTERM', (s: ReturnType<typeof rawServer>) => s.child.kill('SIGTERM')],
  ])('ends within a second with exit code 0 on %s, even with a call in flight', async (_name, end) => {
    const server = rawServer();
    await initialised(server);
    sim.addFault({ kind: 'hang', times: 1 });
    server.child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_backup_set_download_tasks', arguments: { backupPlanId: PLAN } } })}\n`,
    );
    await until(() => sim.requests.some((r) => r.status === 0), 5000).catch(() => undefined);
    const { code, ms } = await exitAfter(server, () => end(server));
    sim.clearFaults();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(1000);
  });

  it('starts and lists its tools with no credentials at all', async () => {
    const child = spawn(process.execPath, [SERVER_PATH], {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    });
    const server = { child, lines: () => out.split('\n').filter(Boolean), stderr: () => '' };
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await initialised(server);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
      await until(() => server.lines().some((l) => l.includes('"id":2')), 5000);
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_backup_set_download_tasks', arguments: { backupPlanId: PLAN } } })}\n`,
      );
      const ms = await until(() => server.lines().some((l) => l.includes('"id":3')), 2000);
      const answer = JSON.parse(server.lines().find((l) => l.includes('"id":3'))!) as { result: { isError: boolean; content: { text: string }[] } };
      expect(answer.result.isError).toBe(true);
      expect(answer.result.content[0]!.text).toMatch(/^MissingCredentials: .*\nNext: Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/s);
      expect(ms).toBeLessThan(2000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start with an invalid setting, naming it on stderr', async () => {
    const server = rawServer({ DBS_MCP_TIMEOUT_MS: 'soon' });
    const [code] = (await once(server.child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(server.stderr()).toContain('DBS_MCP_TIMEOUT_MS must be a whole number from 100 to 600000, got "soon"');
    expect(server.lines()).toEqual([]);
  });
});
