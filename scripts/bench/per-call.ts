/**
 * Per call: what the server adds to a page of 100 tasks over a raw signed HTTP request for the same
 * page, the two alternating against the simulator with no added latency.
 */
import { callTool, PLAN_ID, startServer, type BenchContext } from './context.js';
import { cpuMs } from './rpc.js';
import { createRawClient } from './raw-http.js';
import { ms, type Row } from './report.js';
import { percentile } from './stats.js';

const WARM_UP = 20;
const CALLS = 400;
const TARGET_MS = 5;

export async function perCall(ctx: BenchContext): Promise<Row[]> {
  await ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  const raw = await createRawClient(ctx.sim.endpoint);
  const args = { backupPlanId: PLAN_ID, pageSize: 100 };
  const query = { BackupPlanId: PLAN_ID, PageNum: '0', PageSize: '100' };
  const tool: number[] = [];
  const http: number[] = [];
  let first = Number.NaN;
  let serverCpuMs = Number.NaN;
  try {
    await rpc.request('tools/list', {});
    // The first call right after tools/list: the one that would pay for loading the signer and credentials.
    first = (await callTool(rpc, args)).ms;
    let cpuAtStart = 0;
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      if (i === WARM_UP) cpuAtStart = await cpuMs(rpc.pid);
      const call = await callTool(rpc, args);
      const answer = await raw.describe(query);
      if (answer.status !== 200) throw new Error(`raw request answered HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`);
      const listed = (call.result.structuredContent?.summary as { listed?: number } | undefined)?.listed;
      if (listed !== 100) throw new Error(`the tool listed ${listed} tasks, expected 100`);
      if (i >= WARM_UP) {
        tool.push(call.ms);
        http.push(answer.ms);
      }
    }
    serverCpuMs = ((await cpuMs(rpc.pid)) - cpuAtStart) / CALLS;
  } finally {
    raw.close();
    await rpc.close();
  }
  const toolP50 = percentile(tool, 50);
  const httpP50 = percentile(http, 50);
  const overhead = toolP50 - httpP50;
  const section = 'Per call';
  return [
    { section, figure: `tool call p50 (page of 100, ${CALLS} calls)`, value: ms(toolP50), target: '', reference: `p90 ${ms(percentile(tool, 90))}`, pass: null },
    { section, figure: 'raw signed HTTP p50 (same page)', value: ms(httpP50), target: '', reference: `p90 ${ms(percentile(http, 90))}`, pass: null },
    { section, figure: 'first call, right after tools/list', value: ms(first), target: '', reference: `warm p50 ${ms(toolP50)}`, pass: null },
    // CPU time is not stretched by waiting for a core, so it shows whether a miss came from other load.
    { section, figure: 'server CPU time per call', value: ms(serverCpuMs), target: '', reference: 'user + system, from /proc', pass: null },
    { section, figure: 'overhead: tool p50 - HTTP p50', value: ms(overhead), target: `<= ${TARGET_MS} ms`, reference: 'raw HTTP round trip', pass: overhead <= TARGET_MS },
  ];
}
