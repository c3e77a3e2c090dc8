/** The registry and the one seam every tool is declared through, seen from a real MCP client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.js';
import { TOOL_NAMES } from '../../src/tools/shared/names.js';
import { fakeClient, rawTasks } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

let session: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  session = await setup(fakeClient(rawTasks(3)));
});
afterAll(async () => {
  await session.close();
});

describe('TOOLS', () => {
  it('serves every registered tool, in registry order, under its name', async () => {
    const { tools } = await session.mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    expect(new Set(TOOLS.map((t) => t.name))).toEqual(new Set(Object.values(TOOL_NAMES)));
  });

  it('gives every tool its title and all four annotation hints', async () => {
    const { tools } = await session.mcp.listTools();
    for (const tool of tools) {
      expect(tool.annotations, tool.name).toEqual({
        title: TOOLS.find((t) => t.name === tool.name)?.title,
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      });
      expect(tool.outputSchema, tool.name).toBeDefined();
    }
  });

  it('answers arguments a tool refuses with an error result and no warning in the log', async () => {
    const before = session.logLines.length;
    const result = await session.callTool({ backupPlanId: 'p', createdAfter: 'tomorrow' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^InvalidInput: createdAfter "tomorrow" is not .*\nNext: Fix the arguments as the message says and call again\.$/);
    expect(session.logLines.slice(before).join('\n')).not.toMatch(/warning|createdAfter/);
  });

  it('logs a call that worked once, with its time', async () => {
    const before = session.logLines.length;
    const result = await session.callTool({ backupPlanId: 'p' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ summary: { fetched: 3 } });
    expect(session.logLines.slice(before).filter((l) => /list_backup_set_download_tasks: 1 page\(s\), 3 tasks in \d+ ms/.test(l))).toHaveLength(1);
  });
});
