/**
 * Memory: whether the server's resident set levels off under a steady mix of calls. After a warm-up of
 * calls of every kind, RSS may grow only a little over as many calls again, and its peak stays bounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { callTool, PLAN_ID, startServer, type BenchContext } from './context.js';
import { rss } from './rpc.js';
import { count, mb, type Row } from './report.js';
import { ACCOUNT } from '../../sim/fixtures.js';

const WARM_UP_CALLS = 2_000;
const MEASURED_CALLS = 2_000;
// Long enough for the calls' last replies to be written and V8's pending work to run.
const SETTLE_MS = 1_000;
const GROWTH_TARGET = 15 * 1024 * 1024;
const PEAK_TARGET = 160 * 1024 * 1024;

function argsFor(i: number): Record<string, unknown> {
  // One call in twenty reads the whole plan, one in twenty every plan of the account; the rest walk its pages with varying filters.
  if (i % 20 === 0) return { backupPlanId: PLAN_ID, pageSize: 100, allPages: true, maxPages: 24 };
  if (i % 20 === 10) return { regionIds: ACCOUNT.regions };
  if (i % 20 === 5) return { backupPlanId: PLAN_ID, pageSize: 50, pageNum: i % 47, states: ['failed', 'running'] };
  return { backupPlanId: PLAN_ID, pageSize: 100, pageNum: i % 24, limit: 1 + (i % 100) };
}

async function callsFrom(rpc: Parameters<typeof callTool>[0], start: number, count: number): Promise<void> {
  for (let i = start; i < start + count; i++) await callTool(rpc, argsFor(i));
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  await ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  try {
    await rpc.request('tools/list', {});
    await sleep(SETTLE_MS);
    const atRest = await rss(rpc.pid);
    await callsFrom(rpc, 0, WARM_UP_CALLS);
    await sleep(SETTLE_MS);
    const warm = await rss(rpc.pid);
    await callsFrom(rpc, WARM_UP_CALLS, MEASURED_CALLS);
    await sleep(SETTLE_MS);
    const end = await rss(rpc.pid);
    const growth = end.total - warm.total;
    const allPages = Math.ceil(MEASURED_CALLS / 20);
    const section = 'Memory';
    return [
      { section, figure: 'RSS at rest (after start and tools/list)', value: mb(atRest.total), target: '', reference: 'VmRSS of the server', pass: null },
      {
        section,
        figure: `RSS after a warm-up of ${count(WARM_UP_CALLS)} calls`,
        value: mb(warm.total),
        target: '',
        reference: `${mb(warm.total - atRest.total)} over RSS at rest`,
        pass: null,
      },
      {
        section,
        figure: `RSS growth over the next ${count(MEASURED_CALLS)} calls (${allPages} with allPages, ${allPages} region-wide)`,
        value: mb(growth),
        target: `<= ${mb(GROWTH_TARGET)}`,
        reference: `RSS after the warm-up; ${mb(end.total)} after`,
        pass: growth <= GROWTH_TARGET,
      },
      {
        section,
        figure: 'peak RSS over all calls',
        value: mb(end.peak),
        target: `<= ${mb(PEAK_TARGET)}`,
        reference: 'VmHWM of the server',
        pass: end.peak <= PEAK_TARGET,
      },
    ];
  } finally {
    await rpc.close();
  }
}
