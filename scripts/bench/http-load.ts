/**
 * HTTP load: bursts of tool calls against the built server in --http mode, every result checked against
 * its fixture page, so a fast wrong answer counts as a failure.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';

export interface HttpLoadOptions {
  /** Default 100. */
  calls?: number;
  /** Calls sent at once; the next burst starts when the last one has answered. Default 20. */
  burst?: number;
  /** Added by the simulator to every DBS answer. Default 0: what is measured is this server. */
  simulatorLatencyMs?: number;
  /** Default: dist/index.js, for this module bundled into dist/tools/. */
  serverPath?: string;
}

export interface HttpLoadResult {
  calls: number;
  burst: number;
  /** Calls whose result matched the fixture page exactly. */
  correct: number;
  /** What went wrong, one line per wrong or failed call (empty when all are correct). */
  failures: string[];
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The warm-up call before the measured ones (it loads the DBS client). */
  firstCallMs: number;
  wallMs: number;
  callsPerSecond: number;
  /** The server's exit code after SIGTERM: 0 is a clean shutdown. */
  serverExit: number | string | null;
}

const PAGE_SIZE = 30;
// Plans of different lengths, so calls land on first, middle and last (short) pages.
const PLANS = [45, 60, 75, 90, 100].map((count, i) => {
  const planId = `dbs1loadplan0${i}`;
  return { planId, tasks: makeTasks({ planId, count, seed: 100 + i }) };
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The plan and page call `i` asks for, and the task ids its answer must list. */
function expectation(i: number): { planId: string; pageNum: number; taskIds: string[] } {
  const plan = PLANS[i % PLANS.length]!;
  const pages = Math.ceil(plan.tasks.length / PAGE_SIZE);
  const pageNum = Math.floor(i / PLANS.length) % pages;
  const taskIds = plan.tasks.slice(pageNum * PAGE_SIZE, (pageNum + 1) * PAGE_SIZE).map((t) => String(t.BackupSetDownloadTaskId));
  return { planId: plan.planId, pageNum, taskIds };
}

/** null when the result is the page asked for, else what is wrong with it. */
function checkResult(i: number, result: CallToolResult): string | null {
  const want = expectation(i);
  if (result.isError) return `call ${i}: error ${JSON.stringify(result.content).slice(0, 200)}`;
  const s = result.structuredContent as { page?: { pageNum?: number }; summary?: { fetched?: number }; tasks?: { taskId: string }[] } | undefined;
  const got = (s?.tasks ?? []).map((t) => t.taskId).sort();
  const wanted = [...want.taskIds].sort();
  if (s?.page?.pageNum !== want.pageNum || s.summary?.fetched !== wanted.length || JSON.stringify(got) !== JSON.stringify(wanted)) {
    return `call ${i}: ${want.planId} page ${want.pageNum}: got page ${s?.page?.pageNum} with ${got.length} tasks, want ${wanted.length}`;
  }
  return null;
}

export async function httpLoad(options: HttpLoadOptions = {}): Promise<HttpLoadResult> {
  const calls = options.calls ?? 100;
  const burst = options.burst ?? 20;
  const serverPath = options.serverPath ?? fileURLToPath(new URL('../index.js', import.meta.url));
  const token = randomBytes(32).toString('hex');
  const sim = await startSimulator({ plans: Object.fromEntries(PLANS.map((p) => [p.planId, p.tasks])), latencyMs: options.simulatorLatencyMs ?? 0 });
  const server = spawn(process.execPath, [serverPath, '--http', '--port', '0'], {
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      DBS_MCP_HTTP_TOKEN: token,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) => server.once('exit', (code, signal) => resolve(code ?? signal)));
  let client: Client | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`the server printed no address within 15 s:\n${log}`)), 15_000);
      server.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        const match = /listening on (http:\/\/\S+\/mcp)/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${log}`)));
    });
    client = new Client({ name: 'dbs-backup-mcp-bench', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const call = (i: number): Promise<CallToolResult> => {
      const { planId, pageNum } = expectation(i);
      return client!.callTool({
        name: 'list_backup_set_download_tasks',
        arguments: { backupPlanId: planId, pageNum, pageSize: PAGE_SIZE },
      }) as Promise<CallToolResult>;
    };

    const warmStart = performance.now();
    const warm = await call(0);
    const firstCallMs = performance.now() - warmStart;
    const failures: string[] = [];
    const warmProblem = checkResult(0, warm);
    if (warmProblem !== null) failures.push(`warm-up ${warmProblem}`);

    const latencies: number[] = [];
    let correct = 0;
    const wallStart = performance.now();
    for (let start = 0; start < calls; start += burst) {
      const batch = Array.from({ length: Math.min(burst, calls - start) }, (_, k) => start + k);
      await Promise.all(
        batch.map(async (i) => {
          const t0 = performance.now();
          try {
            const result = await call(i);
            latencies.push(performance.now() - t0);
            const problem = checkResult(i, result);
            if (problem === null) correct++;
            else failures.push(problem);
          } catch (error) {
            failures.push(`call ${i}: ${(error as Error).message}`);
          }
        }),
      );
    }
    const wallMs = performance.now() - wallStart;
    const sorted = [...latencies].sort((a, b) => a - b);
    await client.close();
    client = undefined;
    server.kill('SIGTERM');
    return {
      calls,
      burst,
      correct,
      failures,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted.at(-1) ?? 0),
      firstCallMs: round(firstCallMs),
      wallMs: round(wallMs),
      callsPerSecond: round((calls / wallMs) * 1000),
      serverExit: await exited,
    };
  } finally {
    await client?.close();
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await sim.close();
  }
}
