/**
 * Memory: the server's resident set (VmRSS) at rest, after start, handshake and tools/list, and its
 * growth over 400 further calls of every kind (single pages across the plan, state filters, and
 * allPages over all 24 pages). Read from /proc after a pause; the server is never asked to collect garbage
 * (it runs a full collection of its own once idle for 500 ms after calls that left garbage: src/memory.ts),
 * and the growth right after the last call, before that collection, is shown too.
 * For scale, the reference server's growth over 400 calls that echo a text as large as one tool result.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { compileReference } from './cold-start.js';
import { callTool, PLAN_ID, startServer, type BenchContext } from './context.js';
import { initialize, rss, spawnRpc, type Rss } from './rpc.js';
import { mb, ms, type Row } from './report.js';

const CALLS = 400;
const SETTLE_MS = 1_000;
const REST_TARGET = 80 * 1024 * 1024;
const GROWTH_TARGET = 15 * 1024 * 1024;

const signedMb = (bytes: number): string => `${bytes < 0 ? '-' : '+'}${mb(Math.abs(bytes))}`;

/**
 * Growth split by kind of page. File-backed pages are mostly the node binary's own code (its
 * optimising compiler, once it has run), shared with every other node process; the anonymous part
 * is the process's heaps.
 */
const split = (rest: Rss, end: Rss): string => `anonymous ${signedMb(end.anon - rest.anon)}, file-backed ${signedMb(end.file - rest.file)}`;

function argsFor(i: number): Record<string, unknown> {
  // One call in ten reads the whole plan; the rest walk its pages with varying filters.
  if (i % 10 === 0) return { backupPlanId: PLAN_ID, pageSize: 100, allPages: true, maxPages: 24 };
  if (i % 10 === 5) return { backupPlanId: PLAN_ID, pageSize: 50, pageNum: i % 47, states: ['failed', 'running'] };
  return { backupPlanId: PLAN_ID, pageSize: 100, pageNum: i % 24, limit: 1 + (i % 100) };
}

/** RSS growth of the reference server over `calls` echo calls of `bytes` each. */
async function referenceGrowth(ctx: BenchContext, calls: number, bytes: number): Promise<{ rest: Rss; end: Rss }> {
  const rpc = spawnRpc(process.execPath, [compileReference(ctx)], { PATH: process.env.PATH ?? '' });
  try {
    await initialize(rpc);
    await rpc.request('tools/list', {});
    await sleep(SETTLE_MS);
    const rest = await rss(rpc.pid);
    const text = 'x'.repeat(bytes);
    for (let i = 0; i < calls; i++) await rpc.request('tools/call', { name: 'echo', arguments: { message: `${i} ${text}` } });
    await sleep(SETTLE_MS);
    return { rest, end: await rss(rpc.pid) };
  } finally {
    await rpc.close();
  }
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  await ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  try {
    await rpc.request('tools/list', {});
    await sleep(SETTLE_MS);
    const rest = await rss(rpc.pid);
    const atRest = rest.total;
    // A host calls a tool once the model has read the tool list: a second later at the soonest.
    const first = await callTool(rpc, { backupPlanId: PLAN_ID, pageSize: 100 });
    let allPagesCalls = 0;
    for (let i = 0; i < CALLS; i++) {
      const args = argsFor(i);
      if (args.allPages) allPagesCalls += 1;
      await callTool(rpc, args);
    }
    const busy = (await rss(rpc.pid)).total;
    await sleep(SETTLE_MS);
    const end = await rss(rpc.pid);
    const after = end.total;
    const growth = after - atRest;
    const resultBytes = Buffer.byteLength(JSON.stringify(first.result));
    const reference = await referenceGrowth(ctx, CALLS, resultBytes);
    const section = 'Memory';
    return [
      { section, figure: 'RSS at rest (after start and tools/list)', value: mb(atRest), target: '<= 80 MB', reference: 'VmRSS of the server', pass: atRest <= REST_TARGET },
      {
        section,
        figure: `RSS growth over ${CALLS + 1} calls (${allPagesCalls} with allPages)`,
        value: mb(growth),
        target: '<= 15 MB',
        reference: `RSS at rest; ${mb(after)} after; ${split(rest, end)}`,
        pass: growth <= GROWTH_TARGET,
      },
      {
        section,
        figure: 'RSS growth right after the last call',
        value: mb(busy - atRest),
        target: '',
        reference: 'before the server has been idle long enough to collect',
        pass: null,
      },
      {
        section,
        figure: `reference server: RSS growth over ${CALLS} echo calls of ${(resultBytes / 1024).toFixed(0)} KB`,
        value: mb(reference.end.total - reference.rest.total),
        target: '',
        reference: `its RSS at rest ${mb(reference.rest.total)}; ${split(reference.rest, reference.end)}`,
        pass: null,
      },
      { section: 'Per call', figure: 'first call, 1 s after tools/list', value: ms(first.ms), target: '', reference: 'SDK modules loaded in the background', pass: null },
    ];
  } finally {
    await rpc.close();
  }
}
