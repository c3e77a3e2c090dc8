import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../src/config.js';
import type { DbsClient } from '../../src/dbs/client.js';
import { createLogger } from '../../src/log.js';
import { createServer } from '../../src/server.js';

export const TEST_CONFIG: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 4 };

/** Wires a real MCP client to the server in memory; returns `callTool` and the captured log lines. */
export async function setup(client: DbsClient, config: Config = TEST_CONFIG) {
  const logLines: string[] = [];
  const log = createLogger({ stderrLevel: 'debug', write: (line) => logLines.push(line) });
  const server = createServer({ config, client, log });
  const mcp = new Client({ name: 'test', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(log.attach(server, serverTransport)), mcp.connect(clientTransport)]);
  // With the tool list read, the client checks every structuredContent against the declared output schema too.
  await mcp.listTools();
  return {
    mcp,
    logLines,
    async callTool(args: Record<string, unknown>, name = 'list_backup_set_download_tasks'): Promise<CallToolResult & { text: string }> {
      const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ...result, text };
    },
    async close() {
      await mcp.close();
      await server.close();
    },
  };
}
