/**
 * Pages: allPages over the whole plan with latency added to every page, against the sequential and the
 * concurrency floors, each run checked so speed cannot come from skipped work; and the text block's size.
 */
import { callTool, PLAN_ID, PLAN_TASKS, startServer, type BenchContext } from './context.js';
import { createRawClient } from './raw-http.js';
import { ms, percent, ratio, type Row } from './report.js';
import { median } from './stats.js';
import { makeTasks } from '../../sim/fixtures.js';
import { PLAN_SEED } from './plan.js';

const LATENCY_MS = 80;
const PAGE_SIZE = 100;
const CONCURRENCY = 4;
const RUNS = 5;
const SEQUENTIAL_SHARE_TARGET = 0.45;
const FLOOR_RATIO_TARGET = 1.3;
const TEXT_SHARE_TARGET = 0.25;
const MIN_PROGRESS = 20;

// The contract's state table, written out again here so the check does not lean on the server's own code.
const STATE_OF: Record<string, string> = {
  checking: 'pending',
  check_pass: 'pending',
  schedule: 'pending',
  running: 'running',
  pause: 'paused',
  finish: 'succeeded',
  init: 'failed',
  stop: 'failed',
  failed: 'failed',
  warning: 'failed',
  caught: 'failed',
};

interface Expected {
  byState: Record<string, number>;
  newestIds: string[];
}

function expectedFromFixture(): Expected {
  const raw = makeTasks({ planId: PLAN_ID, count: PLAN_TASKS, seed: PLAN_SEED });
  const byState: Record<string, number> = { pending: 0, running: 0, paused: 0, succeeded: 0, failed: 0, unknown: 0 };
  for (const task of raw) byState[STATE_OF[String(task.BackupSetDownloadStatus).toLowerCase()] ?? 'unknown']! += 1;
  const newestIds = raw
    .map((t) => ({ id: String(t.BackupSetDownloadTaskId), created: Number(t.BackupSetDownloadCreateTime) }))
    .sort((a, b) => b.created - a.created || a.id.localeCompare(b.id))
    .slice(0, 100)
    .map((t) => t.id);
  return { byState, newestIds };
}

interface Structured {
  page: { pagesFetched: number; hasMore: boolean };
  summary: { fetched: number; matched: number; listed: number; byState: Record<string, number> };
  tasks: { taskId: string }[];
}

function check(structured: Structured, expected: Expected): string | undefined {
  const { page, summary, tasks } = structured;
  if (page.pagesFetched !== 24 || page.hasMore) return `fetched ${page.pagesFetched} pages (hasMore ${page.hasMore}), expected all 24`;
  if (summary.fetched !== PLAN_TASKS || summary.matched !== PLAN_TASKS)
    return `summary covers ${summary.fetched}/${summary.matched} tasks, expected ${PLAN_TASKS}`;
  if (JSON.stringify(summary.byState) !== JSON.stringify(expected.byState)) {
    return `byState ${JSON.stringify(summary.byState)}, expected ${JSON.stringify(expected.byState)}`;
  }
  const ids = tasks.map((t) => t.taskId);
  if (JSON.stringify(ids) !== JSON.stringify(expected.newestIds)) return 'the listed tasks are not the 100 newest, newest first';
  return undefined;
}

export async function pages(ctx: BenchContext): Promise<Row[]> {
  const expected = expectedFromFixture();
  const totalPages = Math.ceil(PLAN_TASKS / PAGE_SIZE);
  const sequentialFloor = totalPages * LATENCY_MS;
  const concurrencyFloor = Math.ceil((totalPages - 1) / CONCURRENCY) * LATENCY_MS + LATENCY_MS;

  await ctx.sim.setLatency(LATENCY_MS);
  const rpc = await startServer(ctx);
  const walls: number[] = [];
  const progressCounts: number[] = [];
  let textBytes = 0;
  let rawBytes = 0;
  let structuredBytes = 0;
  try {
    // A single page first, so the allPages runs measure fetching, not loading the signer.
    await callTool(rpc, { backupPlanId: PLAN_ID, pageSize: PAGE_SIZE });
    for (let run = 0; run < RUNS; run++) {
      const token = `bench-${run}`;
      let progress = 0;
      rpc.onNotification = (message) => {
        if (message.method === 'notifications/progress' && message.params?.progressToken === token) progress += 1;
      };
      const call = await callTool(rpc, { backupPlanId: PLAN_ID, pageSize: PAGE_SIZE, allPages: true, maxPages: 24 }, token);
      rpc.onNotification = undefined;
      const problem = check(call.result.structuredContent as unknown as Structured, expected);
      if (problem !== undefined) throw new Error(`allPages run ${run}: ${problem}`);
      walls.push(call.ms);
      progressCounts.push(progress);
    }

    await ctx.sim.setLatency(0);
    const single = await callTool(rpc, { backupPlanId: PLAN_ID, pageSize: PAGE_SIZE, limit: 100 });
    textBytes = Buffer.byteLength(single.result.content.map((c) => c.text ?? '').join('\n'));
    structuredBytes = Buffer.byteLength(JSON.stringify(single.result.structuredContent));
    const raw = await createRawClient(ctx.sim.endpoint);
    try {
      const answer = await raw.describe({ BackupPlanId: PLAN_ID, PageNum: '0', PageSize: String(PAGE_SIZE) });
      if (answer.status !== 200) throw new Error(`raw request answered HTTP ${answer.status}`);
      rawBytes = answer.body.length;
    } finally {
      raw.close();
    }
  } finally {
    await rpc.close();
  }

  const wall = median(walls);
  const minProgress = Math.min(...progressCounts);
  const textShare = textBytes / rawBytes;
  const section = 'Pages';
  return [
    {
      section,
      figure: `allPages, ${PLAN_TASKS} tasks in ${totalPages} pages of ${PAGE_SIZE}, ${LATENCY_MS} ms a page (median of ${RUNS})`,
      value: ms(wall),
      target: '',
      reference: `runs ${walls.map((w) => w.toFixed(0)).join(', ')} ms`,
      pass: null,
    },
    {
      section,
      figure: 'share of the sequential floor',
      value: percent(wall / sequentialFloor),
      target: `<= ${SEQUENTIAL_SHARE_TARGET * 100}%`,
      reference: `${totalPages} x ${LATENCY_MS} ms = ${ms(sequentialFloor)}`,
      pass: wall / sequentialFloor <= SEQUENTIAL_SHARE_TARGET,
    },
    {
      section,
      figure: 'ratio to the concurrency floor',
      value: ratio(wall / concurrencyFloor),
      target: `<= ${FLOOR_RATIO_TARGET}x`,
      reference: `ceil(${totalPages - 1}/${CONCURRENCY}) x ${LATENCY_MS} + ${LATENCY_MS} ms = ${ms(concurrencyFloor)}`,
      pass: wall / concurrencyFloor <= FLOOR_RATIO_TARGET,
    },
    {
      section,
      figure: 'progress notifications per allPages call (fewest)',
      value: String(minProgress),
      target: `>= ${MIN_PROGRESS}`,
      reference: 'counts, 100 newest tasks checked',
      pass: minProgress >= MIN_PROGRESS,
    },
    {
      section: 'Text size',
      figure: `text block for ${PAGE_SIZE} tasks`,
      value: `${textBytes} B`,
      target: '',
      reference: `structuredContent ${structuredBytes} B`,
      pass: null,
    },
    {
      section: 'Text size',
      figure: 'share of the raw API bytes',
      value: percent(textShare),
      target: `<= ${TEXT_SHARE_TARGET * 100}%`,
      reference: `raw page of ${PAGE_SIZE}: ${rawBytes} B`,
      pass: textShare <= TEXT_SHARE_TARGET,
    },
  ];
}
