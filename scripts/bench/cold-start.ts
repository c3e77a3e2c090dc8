/**
 * Cold start: spawn() to an answered tools/list, after the handshake a host makes. The built server and
 * the bare SDK server (bench/reference-server.ts) take turns, so background load hits both alike.
 */
import { execFileSync } from 'node:child_process';
import { initialize, spawnRpc } from './rpc.js';
import type { BenchContext } from './context.js';
import { ms, ratio, type Row } from './report.js';
import { median } from './stats.js';

const RUNS = 15;
const WARM_UP = 2;
const TARGET_RATIO = 1.0;

let compiled: string | undefined;

/** Compiles the reference with plain tsc into .tmp/reference (ignored by git), as a newcomer would build it. */
export function compileReference(ctx: BenchContext): string {
  if (compiled === undefined) {
    execFileSync(process.execPath, [`${ctx.root}node_modules/typescript/bin/tsc`, '-p', `${ctx.root}bench/tsconfig.json`], { stdio: 'inherit' });
    compiled = `${ctx.root}.tmp/reference/reference-server.js`;
  }
  return compiled;
}

interface StartTimes {
  initialized: number;
  listed: number;
  tools: number;
}

async function startOnce(path: string, env: Record<string, string>): Promise<StartTimes> {
  const rpc = spawnRpc(process.execPath, [path], env);
  try {
    const init = await initialize(rpc);
    const list = await rpc.request('tools/list', {});
    const tools = (list.message.result?.tools as unknown[] | undefined)?.length ?? 0;
    return { initialized: init.at - rpc.spawnedAt, listed: list.at - rpc.spawnedAt, tools };
  } finally {
    await rpc.close();
  }
}

export async function coldStart(ctx: BenchContext): Promise<Row[]> {
  const reference = compileReference(ctx);
  // No credentials and no endpoint: the server must start and list its tools without them.
  const env = { PATH: process.env.PATH ?? '' };
  const ours: StartTimes[] = [];
  const theirs: StartTimes[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    const pair = i % 2 === 0 ? [ctx.serverPath, reference] : [reference, ctx.serverPath];
    for (const path of pair) {
      const times = await startOnce(path, env);
      if (times.tools < 1) throw new Error(`${path} listed no tools`);
      if (i >= WARM_UP) (path === reference ? theirs : ours).push(times);
    }
  }
  const oursListed = median(ours.map((t) => t.listed));
  const theirsListed = median(theirs.map((t) => t.listed));
  const r = oursListed / theirsListed;
  const section = 'Cold start';
  return [
    {
      section,
      figure: `spawn -> tools/list answered (median of ${RUNS})`,
      value: ms(oursListed),
      target: '',
      reference: `reference server ${ms(theirsListed)}`,
      pass: null,
    },
    {
      section,
      figure: 'spawn -> initialize answered (median)',
      value: ms(median(ours.map((t) => t.initialized))),
      target: '',
      reference: `reference server ${ms(median(theirs.map((t) => t.initialized)))}`,
      pass: null,
    },
    {
      section,
      figure: 'ratio to the reference server',
      value: ratio(r),
      target: `<= ${TARGET_RATIO.toFixed(1)}x`,
      reference: 'McpServer + 1 zod tool, tsc, unbundled',
      pass: r <= TARGET_RATIO,
    },
  ];
}
