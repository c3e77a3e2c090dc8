/**
 * A flood of waits over stdio against the simulator: the server runs at most 50 of them, answers the
 * rest with Busy at once, keeps their looks under 60 requests a second at the endpoint, and a list
 * call made meanwhile still answers within 3 s.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

const PLAN = 'dbs1e2eflood01';
const WAITS = 200;
const [template] = makeTasks({ planId: PLAN, count: 1, seed: 5 });
const running = { ...template, BackupSetDownloadTaskId: 'dbstkflood', BackupSetDownloadStatus: 'running', BackupSetDownloadFinishTime: 0, ErrMessage: '' };

let sim: Simulator;
let session: StdioSession;

beforeAll(async () => {
  // Each answer takes a while, as a real endpoint's does: looks that queue would hold list calls up.
  sim = await startSimulator({ plans: { [PLAN]: [running] }, latencyMs: 150 });
  session = await spawnServer(simulatorEnv(sim));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

/** The most requests that arrived within any one second. */
function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('a flood of waits', () => {
  it('runs at most 50, refuses the rest as Busy at once, paces looks, and lets a list call through', async () => {
    const started = performance.now();
    const waits = Array.from({ length: WAITS }, () =>
      session.client
        .callTool(
          { name: 'wait_for_backup_set_download_task', arguments: { backupSetDownloadTaskId: 'dbstkflood', pollIntervalSeconds: 2, timeoutSeconds: 6 } },
          undefined,
          { timeout: 60_000 },
        )
        .then((result) => ({ result: result as CallToolResult, ms: performance.now() - started })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const listStarted = performance.now();
    const list = await session.callTool({ backupPlanId: PLAN });
    const listMs = performance.now() - listStarted;
    const done = await Promise.all(waits);

    expect(list.isError).toBeFalsy();
    expect(list.text).toContain('dbstkflood');
    expect(listMs).toBeLessThan(3_000);

    const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    const busy = done.filter((d) => d.result.isError && /^Busy: 50 waits in progress/.test(text(d.result)));
    const waited = done.filter((d) => (d.result.structuredContent as { outcome?: string } | undefined)?.outcome === 'timeout');
    expect(busy).toHaveLength(WAITS - 50);
    expect(waited).toHaveLength(50);
    // Refused at once: well before the first accepted wait could end.
    expect(Math.max(...busy.map((d) => d.ms))).toBeLessThan(3_000);

    const looks = sim.requests.filter((r) => r.query.BackupSetDownloadTaskId === 'dbstkflood').map((r) => r.receivedAt);
    expect(looks.length).toBeGreaterThanOrEqual(50 * 3);
    expect(peakPerSecond(looks)).toBeLessThanOrEqual(60);
  });
});
