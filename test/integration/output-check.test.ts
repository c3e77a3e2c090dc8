import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listDownloadTasks, type ListInput } from '../../src/list.js';
import { renderText } from '../../src/render.js';
import { leaveToolOutputCheckToClients } from '../../src/server.js';
import { STATES } from '../../src/tasks.js';
import { outputSchema } from '../../src/tools/list-backup-set-download-tasks.js';
import { fakeClient } from '../helpers/fake-client.js';
import { TEST_CONFIG } from '../helpers/in-memory.js';

/** A server with one tool that returns whatever structuredContent it is told to, under a strict output schema. */
async function callWith(structuredContent: Record<string, unknown> | undefined, options: { listFirst: boolean }): Promise<CallToolResult> {
  const server = new McpServer({ name: 'check', version: '1.0.0' });
  leaveToolOutputCheckToClients(server);
  server.registerTool(
    'shape',
    { inputSchema: {}, outputSchema: z.object({ count: z.number().int(), items: z.array(z.object({ id: z.string().nullable() })) }) },
    async () => ({ content: [{ type: 'text', text: 'ok' }], ...(structuredContent === undefined ? {} : { structuredContent }) }),
  );
  const client = new Client({ name: 'test', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    if (options.listFirst) await client.listTools();
    return (await client.callTool({ name: 'shape', arguments: {} })) as CallToolResult;
  } finally {
    await client.close();
  }
}

describe('the tool output check, left to clients', () => {
  it('replaces a method McpServer still has', () => {
    expect(typeof (McpServer.prototype as unknown as Record<string, unknown>).validateToolOutput).toBe('function');
  });

  it('sends a result without checking it against the schema', async () => {
    const result = await callWith({ count: 1, items: [{ id: 7 }] }, { listFirst: false });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ count: 1, items: [{ id: 7 }] });
  });

  it('is made by an SDK client that has read the tool list, as the tests here do', async () => {
    await expect(callWith({ count: 1, items: [{ id: 7 }] }, { listFirst: true })).rejects.toThrow(/does not match the tool's output schema/);
    expect((await callWith({ count: 2, items: [] }, { listFirst: true })).structuredContent).toEqual({ count: 2, items: [] });
  });

  it('still refuses a result with no structuredContent, as the SDK does', async () => {
    expect((await callWith(undefined, { listFirst: false })).content).toEqual([
      { type: 'text', text: 'MCP error -32602: Output validation error: Tool shape has an output schema but no structured content was provided' },
    ]);
  });
});

const RAW_FIELDS = [
  'BackupSetDownloadTaskId',
  'BackupSetDownloadTaskName',
  'BackupPlanId',
  'BackupSetId',
  'BackupSetCode',
  'BackupSetDbType',
  'BackupSetDataFormat',
  'BackupSetDataSize',
  'BackupSetJobType',
  'BackupSetDownloadWay',
  'BackupSetDownloadTargetType',
  'BackupGatewayId',
  'BackupSetDownloadDir',
  'BackupSetDownloadStatus',
  'BackupSetDownloadCreateTime',
  'BackupSetDownloadFinishTime',
  'ErrMessage',
  'BackupSetDownloadInternetUrl',
  'BackupSetDownloadIntranetUrl',
];
// Any JSON value, plus the values that sit on the edges of the normalising code.
const rawValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1, stringUnit: 'binary' }),
  fc.constantFrom('', ' ', '0', '-1', '1e400', 'NaN', 'finish', 'Failed', 'CAUGHT', 'cbs_backup_sub_full', 'https://x.oss.aliyuncs.com/f?Signature=s'),
  fc.constantFrom(0, -1, 1e11 - 1, 1e11, 8.64e15, 8.65e15, 1e300, 1_732_000_000, 1_732_000_000_000, 2 ** 63),
  fc.double(),
);
const rawTask = fc.record(Object.fromEntries(RAW_FIELDS.map((field) => [field, rawValue])), { requiredKeys: [] });
const input = fc.record({
  pageSize: fc.constantFrom(30 as const, 50 as const, 100 as const),
  allPages: fc.boolean(),
  maxPages: fc.integer({ min: 1, max: 5 }),
  states: fc.uniqueArray(fc.constantFrom(...STATES), { maxLength: 3 }),
  window: fc.record({
    after: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { nil: null }),
    before: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { nil: null }),
  }),
  sortBy: fc.constantFrom('created' as const, 'finished' as const),
  limit: fc.integer({ min: 1, max: 150 }),
  includeUrls: fc.boolean(),
});

describe('every result the tool can build', () => {
  it('matches the output schema, as the client reads it, whatever the API pages hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawTask, { maxLength: 130 }), input, async (tasks, options) => {
        const listInput: ListInput = { backupPlanId: 'dbs1plan', pageNum: 0, ...options };
        const result = await listDownloadTasks(listInput, { client: fakeClient(tasks), config: TEST_CONFIG });
        const onTheWire = JSON.parse(JSON.stringify(result)) as unknown;
        const checked = outputSchema.safeParse(onTheWire);
        expect(checked.success ? 'matches' : z.prettifyError(checked.error)).toBe('matches');
        expect(renderText(result, listInput).length).toBeGreaterThan(0);
      }),
      { numRuns: 150, seed: 20261128 },
    );
  });
});
