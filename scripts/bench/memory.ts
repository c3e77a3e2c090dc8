/**
 * Memory: the server's resident set (VmRSS) at rest, after start, handshake and tools/list, and its
 * growth over 400 further calls of every kind (single pages across the plan, state filters, and
 * allPages over all 24 pages). Read from /proc after a pause; the server is never asked to collect garbage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { callTool, PLAN_ID, startServer, type BenchContext } from './context.js';
import { rssBytes } from './rpc.js';
import { mb, type Row } from './report.js';

const CALLS = 400;
const SETTLE_MS = 1_000;
const REST_TARGET = 80 * 1024 * 1024;
const GROWTH_TARGET = 15 * 1024 * 1024;

function argsFor(i: number): Record<string, unknown> {
  // One call in ten reads the whole plan; the rest walk its pages with varying filters.
  if (i % 10 === 0) return { backupPlanId: PLAN_ID, pageSize: 100, allPages: true, maxPages: 24 };
  if (i % 10 === 5) return { backupPlanId: PLAN_ID, pageSize: 50, pageNum: i % 47, states: ['failed', 'running'] };
  return { backupPlanId: PLAN_ID, pageSize: 100, pageNum: i % 24, limit: 1 + (i % 100) };
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  try {
    await rpc.request('tools/list', {});
    await sleep(SETTLE_MS);
    const atRest = await rssBytes(rpc.pid);
    let allPagesCalls = 0;
    for (let i = 0; i < CALLS; i++) {
      const args = argsFor(i);
      if (args.allPages) allPagesCalls += 1;
      await callTool(rpc, args);
    }
    await sleep(SETTLE_MS);
    const after = await rssBytes(rpc.pid);
    const growth = after - atRest;
    const section = 'Memory';
    return [
      { section, figure: 'RSS at rest (after start and tools/list)', value: mb(atRest), target: '<= 80 MB', reference: 'VmRSS of the server', pass: atRest <= REST_TARGET },
      {
        section,
        figure: `RSS growth over ${CALLS} calls (${allPagesCalls} with allPages)`,
        value: mb(growth),
        target: '<= 15 MB',
        reference: `RSS at rest; ${mb(after)} after`,
        pass: growth <= GROWTH_TARGET,
      },
    ];
  } finally {
    await rpc.close();
  }
}
