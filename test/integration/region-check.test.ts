import { afterEach, describe, expect, it } from 'vitest';
import { fakeClient } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

type Connection = Awaited<ReturnType<typeof setup>>;
const open: Connection[] = [];
afterEach(async () => {
  for (const connection of open.splice(0)) await connection.close();
});

// Each tool with arguments that are valid apart from the region.
const CALLS: [string, Record<string, unknown>][] = [
  ['list_backup_set_download_tasks', { backupPlanId: 'plan1' }],
  ['list_backup_plans', {}],
  ['wait_for_backup_set_download_task', { backupSetDownloadTaskId: 'task1', timeoutSeconds: 1 }],
];

describe('regionId in a tool call is checked as ALIBABA_CLOUD_REGION_ID is at start-up', () => {
  it.each(CALLS.flatMap(([tool, args]) => ['hangzhou', 'cn-', 'cn'].map((regionId) => [tool, regionId, args] as const)))(
    '%s refuses regionId %s before any request',
    async (tool, regionId, args) => {
      const client = fakeClient([]);
      const connection = await setup(client);
      open.push(connection);
      const result = await connection.callTool({ ...args, regionId }, tool);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/regionId looks like cn-hangzhou or ap-southeast-1/);
      expect(client.requests).toHaveLength(0);
      expect(client.planRequests).toHaveLength(0);
    },
  );
});
