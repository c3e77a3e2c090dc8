/**
 * What a model reads in its tool list is an interface: a committed snapshot makes every change to
 * it a reviewed one (update with `npx vitest run -u` and commit the snapshot), and every tool must
 * say it is read-only or not, and carry a title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { fakeClient } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

let session: Awaited<ReturnType<typeof setup>>;
let tools: Tool[];
beforeAll(async () => {
  session = await setup(fakeClient([]));
  ({ tools } = await session.mcp.listTools());
});
afterAll(async () => {
  await session?.close();
});

describe('tools/list', () => {
  it('matches the reviewed snapshot of every tool', async () => {
    for (const tool of tools) {
      await expect(`${JSON.stringify(tool, null, 2)}\n`).toMatchFileSnapshot(`./snapshots/${tool.name}.json`);
    }
  });

  it('gives every tool a title and an explicit readOnlyHint', () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');
    }
  });

  it('keeps name, title, description and input schema under 4,000 bytes of JSON per tool (the download-task tool covers one task, one plan or a whole account)', () => {
    for (const { name, title, description, inputSchema } of tools) {
      expect(Buffer.byteLength(JSON.stringify({ name, title, description, inputSchema })), name).toBeLessThan(4000);
    }
  });
});
