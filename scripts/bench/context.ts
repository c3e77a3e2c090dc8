/** What every bench section shares: the simulator, the plan, the built server and its environment. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { PLAN_ID, PLAN_TASKS } from './plan.js';
import { initialize, spawnRpc, type RpcProcess } from './rpc.js';

export { PLAN_ID, PLAN_TASKS };
const TOOL = 'list_backup_set_download_tasks';

/** The simulator process (scripts/bench/simulator-process.ts), seen from the bench. */
export interface BenchSimulator {
  /** 'host:port' */
  endpoint: string;
  url: string;
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface BenchContext {
  root: string;
  serverPath: string;
  sim: BenchSimulator;
  env: Record<string, string>;
}

async function startSimulatorProcess(path: string): Promise<BenchSimulator> {
  const child = fork(path, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ endpoint: string }];
  return {
    endpoint: ready.endpoint,
    url: `http://${ready.endpoint}`,
    async setLatency(ms) {
      const answered = once(child, 'message');
      child.send({ latencyMs: ms });
      await answered;
    },
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

function repoRoot(): string {
  // dist/tools/bench.js -> the repository root.
  return fileURLToPath(new URL('../../', import.meta.url));
}

export async function createContext(): Promise<BenchContext> {
  const root = repoRoot();
  const sim = await startSimulatorProcess(`${root}dist/tools/bench-simulator.js`);
  return {
    root,
    serverPath: `${root}dist/index.js`,
    sim,
    env: {
      PATH: process.env.PATH ?? '',
      ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      // Lets an operator measure start-up flags (e.g. --max-old-space-size) on the server under test.
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    },
  };
}

/** Spawns the built server against the simulator and completes the handshake. */
export async function startServer(ctx: BenchContext): Promise<RpcProcess> {
  const rpc = spawnRpc(process.execPath, [ctx.serverPath], ctx.env);
  await initialize(rpc);
  return rpc;
}

export interface ToolAnswer {
  result: { content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };
  /** ms from writing the request to reading the answer's last byte. */
  ms: number;
}

export async function callTool(rpc: RpcProcess, args: Record<string, unknown>, progressToken?: string): Promise<ToolAnswer> {
  const started = performance.now();
  const params: Record<string, unknown> = { name: TOOL, arguments: args };
  if (progressToken !== undefined) params._meta = { progressToken };
  const { message, at } = await rpc.request('tools/call', params);
  if (message.error) throw new Error(`tools/call failed: ${message.error.message}`);
  const result = message.result as ToolAnswer['result'];
  if (result.isError) throw new Error(`tools/call answered an error: ${result.content.map((c) => c.text).join(' ')}`);
  return { result, ms: at - started };
}
