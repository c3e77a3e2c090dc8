/** What every bench section shares: the simulator, the plan, the built server and its environment. */
import { fileURLToPath } from 'node:url';
import { TEST_CREDENTIALS, makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { initialize, spawnRpc, type RpcMessage, type RpcProcess } from './rpc.js';

/** 2,345 tasks: 24 pages of 100, the last one partly filled. */
export const PLAN_ID = 'dbs1benchplan1';
export const PLAN_TASKS = 2_345;
export const TOOL = 'list_backup_set_download_tasks';

export interface BenchContext {
  root: string;
  serverPath: string;
  sim: Simulator;
  env: Record<string, string>;
}

export function repoRoot(): string {
  // dist/tools/bench.js -> the repository root.
  return fileURLToPath(new URL('../../', import.meta.url));
}

export async function createContext(): Promise<BenchContext> {
  const root = repoRoot();
  const sim = await startSimulator({ plans: { [PLAN_ID]: makeTasks({ planId: PLAN_ID, count: PLAN_TASKS, seed: 7 }) } });
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

export type { RpcMessage };
