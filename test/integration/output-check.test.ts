import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkToolOutputSynchronously } from '../../src/server.js';

/** A server with one tool that returns whatever structuredContent it is told to, under a strict output schema. */
async function callWith(structuredContent: Record<string, unknown> | undefined, synchronous: boolean): Promise<CallToolResult> {
  const server = new McpServer({ name: 'check', version: '1.0.0' });
  if (synchronous) checkToolOutputSynchronously(server);
  server.registerTool(
    'shape',
    { inputSchema: {}, outputSchema: z.object({ count: z.number().int(), items: z.array(z.object({ id: z.string().nullable() })) }) },
    async () => ({ content: [{ type: 'text', text: 'ok' }], ...(structuredContent === undefined ? {} : { structuredContent }) }),
  );
  const client = new Client({ name: 'test', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    return (await client.callTool({ name: 'shape', arguments: {} })) as CallToolResult;
  } finally {
    await client.close();
  }
}

const cases: [string, Record<string, unknown> | undefined][] = [
  ['valid', { count: 1, items: [{ id: null }] }],
  ['a wrong type deep inside', { count: 1, items: [{ id: 7 }] }],
  ['a missing field', { items: [] }],
  ['no structuredContent', undefined],
];

describe('the synchronous tool output check', () => {
  it('replaces a method McpServer still has', () => {
    expect(typeof (McpServer.prototype as unknown as Record<string, unknown>).validateToolOutput).toBe('function');
  });

  it.each(cases)('answers %s exactly as the SDK check does', async (_name, structured) => {
    const ours = await callWith(structured, true);
    const sdk = await callWith(structured, false);
    expect(ours).toEqual(sdk);
  });

  it('refuses output that breaks the schema, naming the field', async () => {
    const result = await callWith({ count: 1, items: [{ id: 7 }] }, true);
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'MCP error -32602: Output validation error: Invalid structured content for tool shape: Invalid input: expected string, received number at items[0].id' }]);
    expect((await callWith(undefined, true)).content).toEqual([
      { type: 'text', text: 'MCP error -32602: Output validation error: Tool shape has an output schema but no structured content was provided' },
    ]);
    expect((await callWith({ count: 2, items: [] }, true)).isError).toBeFalsy();
  });
});
