import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fileURLToPath } from 'node:url';
import { TEST_CREDENTIALS } from '../../sim/fixtures.js';
import type { Simulator } from '../../sim/simulator.js';

export const SERVER_PATH = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Environment for a server that talks to the simulator with the test key, and to nothing else. */
export function simulatorEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    // A developer's own aliyun CLI profile must not pick the default region of a test.
    ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
    ...extra,
  };
}

export interface StdioSession {
  client: Client;
  stderr: () => string;
  callTool(
    args: Record<string, unknown>,
    options?: { onprogress?: (p: { progress: number; total?: number }) => void; signal?: AbortSignal; timeout?: number; name?: string },
  ): Promise<CallToolResult & { text: string }>;
  close(): Promise<void>;
}

export interface SpawnOptions {
  /** Options for node itself, before the script (e.g. `--import` of a preload). */
  nodeArgs?: string[];
}

/** Spawns the built server (dist/index.js) over stdio with a real MCP client. */
export async function spawnServer(env: Record<string, string>, args: string[] = [], options: SpawnOptions = {}): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), SERVER_PATH, ...args],
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  // With the tool list read, the client checks every structuredContent against the declared output
  // schema and fails the call when it does not match: the server leaves that check to its clients.
  await client.listTools();
  return {
    client,
    stderr: () => stderr,
    async callTool(args, options = {}) {
      const result = (await client.callTool({ name: options.name ?? 'list_backup_set_download_tasks', arguments: args }, undefined, {
        onprogress: options.onprogress,
        signal: options.signal,
        timeout: options.timeout ?? 30_000,
      })) as CallToolResult;
      return { ...result, text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
    },
    close: () => client.close(),
  };
}
