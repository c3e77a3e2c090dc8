#!/usr/bin/env node
/**
 * The per-call reference for `npm run bench`: a bare SDK tool server doing what the built server does on
 * the wire (one signed DescribeBackupSetDownloadTaskList request over keep-alive HTTP) and answering
 * with the page as structured content plus text up to the size it is asked for, so the two answers cost
 * the transport alike. No summary, no output schema: the bench's ratio to it is what the server's own work costs.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { createRawClient } from '../scripts/bench/raw-http.js';

const endpoint = new URL(process.env.ALIBABA_CLOUD_DBS_ENDPOINT ?? 'http://127.0.0.1:8787').host;
const raw = await createRawClient(endpoint);
const server = new McpServer({ name: 'signed-reference-server', version: '1.0.0' });

server.registerTool(
  'list_page',
  {
    description: 'One page of a backup plan download tasks, as the API returns it',
    inputSchema: { backupPlanId: z.string(), pageSize: z.number().int(), answerChars: z.number().int().min(1) },
  },
  async ({ backupPlanId, pageSize, answerChars }) => {
    const answer = await raw.describe({ BackupPlanId: backupPlanId, PageNum: '0', PageSize: String(pageSize) });
    if (answer.status !== 200) return { isError: true, content: [{ type: 'text', text: `HTTP ${answer.status}` }] };
    const page = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    const text = 'x'.repeat(Math.max(1, answerChars - JSON.stringify(page).length));
    return { content: [{ type: 'text', text }], structuredContent: page };
  },
);

await server.connect(new StdioServerTransport());
