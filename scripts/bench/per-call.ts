/**
 * Per call: a page of 100 tasks through the built server, judged as a ratio to a bare SDK tool server
 * (bench/signed-reference-server.ts) that makes the same signed request and answers with as many bytes,
 * the two alternating in one run so that a busy host slows both alike. A raw signed HTTP request for the
 * same page is printed beside them for information.
 */
import { execFileSync } from 'node:child_process';
import { callTool, PLAN_ID, startServer, type BenchContext } from './context.js';
import { cpuMs, initialize, spawnRpc, type RpcProcess } from './rpc.js';
import { createRawClient } from './raw-http.js';
import { ms, ratio, type Row } from './report.js';
import { percentile } from './stats.js';

const WARM_UP = 20;
const CALLS = 400;
const TARGET_RATIO = 1.5;

let compiled: string | undefined;

/** Compiles the reference with plain tsc into .tmp/signed-reference (ignored by git). */
function compileSignedReference(ctx: BenchContext): string {
  if (compiled === undefined) {
    execFileSync(process.execPath, [`${ctx.root}node_modules/typescript/bin/tsc`, '-p', `${ctx.root}bench/tsconfig.signed.json`], { stdio: 'inherit' });
    compiled = `${ctx.root}.tmp/signed-reference/bench/signed-reference-server.js`;
  }
  return compiled;
}

interface Reference {
  call(): Promise<{ ms: number; chars: number }>;
  close(): Promise<unknown>;
}

/** Starts the reference and sizes its answer to `targetChars` of serialized result, as the server's is. */
async function startReference(ctx: BenchContext, targetChars: number): Promise<Reference> {
  const rpc: RpcProcess = spawnRpc(process.execPath, [compileSignedReference(ctx)], ctx.env);
  await initialize(rpc);
  let answerChars = targetChars;
  const call = async (): Promise<{ ms: number; chars: number }> => {
    const started = performance.now();
    const { message, at } = await rpc.request('tools/call', { name: 'list_page', arguments: { backupPlanId: PLAN_ID, pageSize: 100, answerChars } });
    if (message.error || message.result?.isError) throw new Error(`reference call failed: ${JSON.stringify(message.error ?? message.result)}`);
    return { ms: at - started, chars: JSON.stringify(message.result).length };
  };
  // The envelope and escaping add to the requested size: two corrections bring the whole answer to the target.
  for (let i = 0; i < 2; i++) answerChars = Math.max(1, answerChars + targetChars - (await call()).chars);
  return { call, close: () => rpc.close() };
}

export async function perCall(ctx: BenchContext): Promise<Row[]> {
  await ctx.sim.setLatency(0);
  const rpc = await startServer(ctx);
  const raw = await createRawClient(ctx.sim.endpoint);
  const args = { backupPlanId: PLAN_ID, pageSize: 100 };
  const tool: number[] = [];
  const reference: number[] = [];
  const http: number[] = [];
  let first = Number.NaN;
  let serverCpuMs = Number.NaN;
  let sizes = { ours: 0, theirs: 0 };
  let ref: Reference | undefined;
  try {
    await rpc.request('tools/list', {});
    // The first call right after tools/list: the one that would pay for loading the signer and credentials.
    const firstCall = await callTool(rpc, args);
    first = firstCall.ms;
    sizes.ours = JSON.stringify(firstCall.result).length;
    ref = await startReference(ctx, sizes.ours);
    let cpuAtStart = 0;
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      if (i === WARM_UP) cpuAtStart = await cpuMs(rpc.pid);
      // Alternate which goes first, so neither always follows the other.
      const [call, theirs] =
        i % 2 === 0 ? [await callTool(rpc, args), await ref.call()] : await ref.call().then(async (r) => [await callTool(rpc, args), r] as const);
      const answer = await raw.describe({ BackupPlanId: PLAN_ID, PageNum: '0', PageSize: '100' });
      if (answer.status !== 200) throw new Error(`raw request answered HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`);
      const listed = (call.result.structuredContent?.summary as { listed?: number } | undefined)?.listed;
      if (listed !== 100) throw new Error(`the tool listed ${listed} tasks, expected 100`);
      sizes = { ...sizes, theirs: theirs.chars };
      if (i >= WARM_UP) {
        tool.push(call.ms);
        reference.push(theirs.ms);
        http.push(answer.ms);
      }
    }
    serverCpuMs = ((await cpuMs(rpc.pid)) - cpuAtStart) / CALLS;
  } finally {
    raw.close();
    await ref?.close();
    await rpc.close();
  }
  return perCallRows({ tool, reference, http, first, serverCpuMs, sizes });
}

export interface PerCallFigures {
  tool: number[];
  reference: number[];
  http: number[];
  first: number;
  serverCpuMs: number;
  sizes: { ours: number; theirs: number };
}

export function perCallRows({ tool, reference, http, first, serverCpuMs, sizes }: PerCallFigures): Row[] {
  const toolP50 = percentile(tool, 50);
  const referenceP50 = percentile(reference, 50);
  const httpP50 = percentile(http, 50);
  const r = toolP50 / referenceP50;
  const section = 'Per call';
  const kib = (chars: number): string => `${(chars / 1024).toFixed(0)} K chars`;
  return [
    {
      section,
      figure: `tool call p50 (page of 100, ${CALLS} calls)`,
      value: ms(toolP50),
      target: '',
      reference: `p90 ${ms(percentile(tool, 90))}`,
      pass: null,
    },
    {
      section,
      figure: 'reference server p50 (same request, same answer size)',
      value: ms(referenceP50),
      target: '',
      reference: `answers ${kib(sizes.theirs)} vs ${kib(sizes.ours)}`,
      pass: null,
    },
    { section, figure: 'raw signed HTTP p50 (same page)', value: ms(httpP50), target: '', reference: `overhead over it ${ms(toolP50 - httpP50)}`, pass: null },
    { section, figure: 'first call, right after tools/list', value: ms(first), target: '', reference: `warm p50 ${ms(toolP50)}`, pass: null },
    // CPU time is not stretched by waiting for a core, so it shows whether a miss came from other load.
    { section, figure: 'server CPU time per call', value: ms(serverCpuMs), target: '', reference: 'user + system, from /proc', pass: null },
    {
      section,
      figure: 'ratio: tool p50 / reference p50',
      value: ratio(r),
      target: `<= ${TARGET_RATIO.toFixed(2)}x`,
      reference: 'bare McpServer, same signed request, same run',
      pass: r <= TARGET_RATIO,
    },
  ];
}
