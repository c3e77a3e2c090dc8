/**
 * The built server over raw stdio under a hostile host: closed pipes, oversized messages, bursts.
 * After each, the server still answers (or, with no one left to answer, ends cleanly) and uses
 * no more than a fraction of a core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { coreShare, memoryMb } from '../helpers/process-usage.js';
import { spawnRawStdio, toolCall, type RawStdioServer } from '../helpers/raw-stdio.js';
import { simulatorEnv } from '../helpers/stdio.js';

const PLAN = 'dbs1abuseplan1';
let sim: Simulator;
const running: RawStdioServer[] = [];

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 30, seed: 21 }) } });
});

afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await sim?.close();
});

async function start(extra: Record<string, string> = {}): Promise<RawStdioServer> {
  const server = spawnRawStdio(simulatorEnv(sim, { DBS_MCP_LOG_LEVEL: 'debug', ...extra }));
  running.push(server);
  await server.initialize();
  return server;
}

function isErrorResult(message: Record<string, unknown>): boolean {
  return message.error !== undefined || (message.result as { isError?: boolean } | undefined)?.isError === true;
}

describe("a host that closes the server's stderr", () => {
  it('drops log lines instead of spinning, and keeps answering', async () => {
    const server = await start();
    server.child.stderr.destroy();
    // Every call logs at debug level, and a failing one logs a warning: each write now fails with EPIPE.
    server.send(toolCall(1, { backupPlanId: PLAN }));
    server.send(toolCall(2, { backupPlanId: 'dbs1nosuchplan' }));
    await server.response(1);
    await server.response(2);
    expect(await coreShare(server.child.pid!, 1_500)).toBeLessThan(0.25);
    server.send(toolCall(3, { backupPlanId: PLAN }));
    expect(isErrorResult(await server.response(3))).toBe(false);
    expect(memoryMb(server.child.pid!).rss).toBeLessThan(200);
  });
});

describe("a host that closes the server's stdout", () => {
  it('ends the process cleanly at the next answer', async () => {
    const server = await start();
    server.child.stdout.destroy();
    server.send({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
    const exit = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});

describe('oversized stdio messages', () => {
  let server: RawStdioServer;
  beforeAll(async () => {
    server = await start();
  });

  it("answers a request over the SDK's 10 MiB limit with a JSON-RPC error and serves the next one", async () => {
    const huge = toolCall(7, { backupPlanId: PLAN, clientToken: 'x'.repeat(11 * 1024 * 1024) });
    server.send(huge);
    server.send({ jsonrpc: '2.0', id: 8, method: 'tools/list' });
    const answer = await server.response(7);
    expect(answer.error).toEqual({
      code: -32600,
      message: expect.stringMatching(/^Request too large: \d+ bytes, at most 1048576 bytes per message$/) as unknown,
    });
    expect((await server.response(8)).result).toBeDefined();
    expect(server.stderr()).toMatch(/dropped a stdio message of \d+ bytes \(at most 1048576\)/);
  });

  it('logs an oversized line it cannot answer and keeps serving', async () => {
    server.send(`{"garbage":"${'g'.repeat(2 * 1024 * 1024)}`);
    server.send(toolCall(11, { backupPlanId: PLAN }));
    expect(isErrorResult(await server.response(11))).toBe(false);
    expect(server.stderr()).toMatch(/dropped a stdio message of \d+ bytes \(at most 1048576\), no id to answer/);
  });
});

// The same burst peaks near 150 MB on Node 20, 175 MB on Node 22 and 310 MB on Node 24 (V8 13.6).
const MAX_BURST_RSS_MB = Number(process.versions.node.split('.')[0]) >= 24 ? 400 : 250;

describe('a burst of pipelined calls', () => {
  it('answers 3,000 calls sent at once, all of them, with bounded memory', async () => {
    const server = await start({ DBS_MCP_LOG_LEVEL: 'info' });
    const count = 3_000;
    const started = performance.now();
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify(toolCall(1_000 + i, { backupPlanId: PLAN, limit: 1 }))).join('\n');
    const before = sim.requests.length;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryMb(server.child.pid!).rss)), 100);
    server.send(lines);
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => server.response(1_000 + i, 120_000)));
    clearInterval(sampler);
    console.log(`burst: ${count} calls in ${Math.round(performance.now() - started)} ms, peak RSS ${Math.round(peak)} MB`);
    const failed = answers.filter(isErrorResult);
    expect(failed.slice(0, 3)).toEqual([]);
    expect(sim.requests.length - before).toBe(count);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(MAX_BURST_RSS_MB);
    expect(server.stderr()).not.toMatch(/Timeout|Busy/);
  }, 150_000);
});
