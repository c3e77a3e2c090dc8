/**
 * Region-wide: one call over every plan of the account fixture with latency added to every request, against
 * the concurrency floor (the plan list, then ceil(task pages / pages in flight) round trips), each run checked
 * so speed cannot come from skipped work; and the size of its text block.
 */
import { callTool, startServer, type BenchContext } from './context.js';
import { ms, ratio, type Row } from './report.js';
import { median } from './stats.js';
import { ACCOUNT } from '../../sim/fixtures.js';

const LATENCY_MS = 80;
const PAGE_SIZE = 100;
// The server's default DBS_MCP_CONCURRENCY.
const CONCURRENCY = 4;
const RUNS = 5;
const FLOOR_RATIO_TARGET = 1.5;
const TEXT_CHARS_TARGET = 15_000;

interface Structured {
  scope: { complete: boolean; plansRead: number };
  summary: { fetched: number };
}

const TOTAL_TASKS = ACCOUNT.planIds.reduce((n, id) => n + ACCOUNT.tasks[id]!.length, 0);

function check(structured: Structured): string | undefined {
  if (!structured.scope.complete || structured.scope.plansRead !== ACCOUNT.planIds.length) {
    return `read ${structured.scope.plansRead} plans (complete ${structured.scope.complete}), expected all ${ACCOUNT.planIds.length}`;
  }
  if (structured.summary.fetched !== TOTAL_TASKS) return `read ${structured.summary.fetched} tasks, expected ${TOTAL_TASKS}`;
  return undefined;
}

export async function regionWide(ctx: BenchContext): Promise<Row[]> {
  const args = { regionIds: ACCOUNT.regions };
  const taskPages = ACCOUNT.planIds.reduce((n, id) => n + Math.max(1, Math.ceil(ACCOUNT.tasks[id]!.length / PAGE_SIZE)), 0);
  // The regions' plan lists go out together: one round trip.
  const floor = (1 + Math.ceil(taskPages / CONCURRENCY)) * LATENCY_MS;
  await ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  const walls: number[] = [];
  let textChars = 0;
  try {
    const warm = await callTool(rpc, args);
    textChars = warm.result.content.map((c) => c.text ?? '').join('\n').length;
    await ctx.sim.setLatency(LATENCY_MS);
    for (let run = 0; run < RUNS; run++) {
      const call = await callTool(rpc, args);
      const problem = check(call.result.structuredContent as unknown as Structured);
      if (problem !== undefined) throw new Error(`region-wide run ${run}: ${problem}`);
      walls.push(call.ms);
    }
  } finally {
    await ctx.sim.setLatency(0);
    await rpc.close();
  }
  const wall = median(walls);
  const section = 'Region-wide';
  return [
    {
      section,
      figure: `${ACCOUNT.planIds.length} plans, ${TOTAL_TASKS} tasks in ${taskPages} pages, ${LATENCY_MS} ms a request (median of ${RUNS})`,
      value: ms(wall),
      target: '',
      reference: `runs ${walls.map((w) => w.toFixed(0)).join(', ')} ms`,
      pass: null,
    },
    {
      section,
      figure: 'ratio to the concurrency floor',
      value: ratio(wall / floor),
      target: `<= ${FLOOR_RATIO_TARGET}x`,
      reference: `(1 + ceil(${taskPages}/${CONCURRENCY})) x ${LATENCY_MS} ms = ${ms(floor)}`,
      pass: wall / floor <= FLOOR_RATIO_TARGET,
    },
    {
      section,
      figure: 'text block, default arguments',
      value: `${textChars} chars`,
      target: `<= ${TEXT_CHARS_TARGET}`,
      reference: 'plan table, sums, reasons and 50 tasks',
      pass: textChars <= TEXT_CHARS_TARGET,
    },
  ];
}
