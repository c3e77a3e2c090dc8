import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { fakeClient, rawTasks } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

let active: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await active?.close();
  active = undefined;
});

/** A server whose plan "broken" fails with Throttling.User, and the log notifications its client receives. */
async function connect() {
  const client = fakeClient(rawTasks(10), {
    fail: (request) => (request.backupPlanId === 'broken' ? new DbsError('Throttling.User', 'denied') : undefined),
  });
  active = await setup(client);
  const received: LoggingMessageNotification['params'][] = [];
  active.mcp.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    received.push(notification.params);
  });
  // Notifications can trail the tool result by a turn of the event loop.
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  return { ...active, received, settle };
}

describe('MCP logging notifications', () => {
  it('sends info and up, not debug, to a client that never chose a level', async () => {
    const { callTool, received, settle, logLines } = await connect();
    await callTool({ backupPlanId: 'p' });
    await callTool({ backupPlanId: 'broken' });
    await settle();
    // stderr (set to debug here) still has the debug line the client did not get.
    expect(logLines.some((line) => line.startsWith('dbs-backup-mcp debug: list_backup_set_download_tasks: 1 page(s)'))).toBe(true);
    expect(received.map((m) => m.level)).toEqual(['warning']);
    expect(received[0]!.data).toBe('list_backup_set_download_tasks: Throttling.User: denied');
  });

  it('follows the level the client sets with logging/setLevel', async () => {
    const { mcp, callTool, received, settle } = await connect();
    await mcp.setLoggingLevel('debug');
    await callTool({ backupPlanId: 'p' });
    await settle();
    expect(received.map((m) => m.level)).toEqual(['debug']);
    expect(String(received[0]!.data)).toMatch(/^list_backup_set_download_tasks: 1 page\(s\), 10 tasks in \d+ ms$/);

    received.length = 0;
    await mcp.setLoggingLevel('error');
    await callTool({ backupPlanId: 'broken' });
    await callTool({ backupPlanId: 'p' });
    await settle();
    expect(received).toEqual([]);
  });
});
