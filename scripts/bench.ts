/**
 * `npm run bench`: measures the built server against references run alternately on this machine, prints
 * each figure beside its target and exits 1 if one is missed. `npm run bench -- memory` runs one section.
 */
import { cpus } from 'node:os';
import { coldStart } from './bench/cold-start.js';
import { createContext, type BenchContext } from './bench/context.js';
import { memory } from './bench/memory.js';
import { pages } from './bench/pages.js';
import { regionWide } from './bench/region-wide.js';
import { perCall } from './bench/per-call.js';
import { httpLoad } from './bench/http-load.js';
import { formatTable, ms, type Row } from './bench/report.js';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

const sections: { name: string; run: (ctx: BenchContext) => Promise<Row[]> }[] = [
  { name: 'cold start', run: coldStart },
  { name: 'per call', run: perCall },
  { name: 'memory', run: memory },
  { name: 'pages', run: pages },
  { name: 'region-wide', run: regionWide },
  { name: 'HTTP load', run: httpLoadRows },
];

/** 100 tool calls over Streamable HTTP in bursts of 20, every result checked against its fixture page. */
async function httpLoadRows(context: BenchContext): Promise<Row[]> {
  const result = await httpLoad({ calls: 100, burst: 20, serverPath: context.serverPath });
  for (const failure of result.failures.slice(0, 5)) process.stderr.write(`bench: HTTP load: ${failure}\n`);
  return [
    {
      section: 'HTTP load',
      figure: 'tool calls over HTTP, bursts of 20, correct',
      value: `${result.correct} of ${result.calls}`,
      target: `all ${result.calls}`,
      reference: `server exit ${result.serverExit} after SIGTERM`,
      pass: result.correct === result.calls && result.serverExit === 0,
    },
    {
      section: 'HTTP load',
      figure: 'call latency p50 (p95)',
      value: `${ms(result.p50Ms)} (${ms(result.p95Ms)})`,
      target: '',
      reference: `${result.callsPerSecond.toFixed(0)} calls/s; 20 calls queue at once`,
      pass: null,
    },
  ];
}

const wanted = process.argv.slice(2).map((name) => name.toLowerCase());
const unknown = wanted.filter((name) => !sections.some((s) => s.name.toLowerCase() === name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no section ${unknown.map((n) => `"${n}"`).join(', ')}; the sections are ${sections.map((s) => `"${s.name}"`).join(', ')}\n`);
  process.exit(2);
}
const chosen = wanted.length === 0 ? sections : sections.filter((s) => wanted.includes(s.name.toLowerCase()));

const ctx = await createContext();
const rows: Row[] = [];
const started = performance.now();
try {
  out(`dbs-backup-mcp bench: node ${process.version}, ${cpus().length} cores, ${ctx.serverPath}`);
  for (const section of chosen) {
    process.stderr.write(`bench: ${section.name}...\n`);
    rows.push(...(await section.run(ctx)));
  }
} finally {
  await ctx.sim.close();
}
// Rows grouped by section, in the order the sections first appear.
const order = [...new Set(rows.map((r) => r.section))];
rows.sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
out();
out(formatTable(rows));
const failed = rows.filter((r) => r.pass === false);
out();
out(`${rows.filter((r) => r.pass === true).length} targets met, ${failed.length} missed, in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
if (failed.length > 0) process.exitCode = 1;
