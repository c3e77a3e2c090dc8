#!/usr/bin/env node
/**
 * The cold-start reference for `npm run bench`: the smallest server a newcomer writes with the MCP
 * SDK (McpServer, one zod tool, stdio), compiled by plain `tsc` and loaded from node_modules.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'reference-server', version: '1.0.0' });

server.registerTool(
  'echo',
  {
    description: 'Echoes a message back',
    inputSchema: { message: z.string().describe('Text to echo') },
  },
  async ({ message }) => ({ content: [{ type: 'text', text: message }] }),
);

await server.connect(new StdioServerTransport());
