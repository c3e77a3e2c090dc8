import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ListInput } from '../../src/tools/list-backup-set-download-tasks/args.js';
import { listDownloadTasks } from '../../src/tools/list-backup-set-download-tasks/tool.js';
import { renderText } from '../../src/tools/list-backup-set-download-tasks/render.js';
import { STATES } from '../../src/tools/shared/download-task.js';
import { outputSchema } from '../../src/tools/list-backup-set-download-tasks/schema.js';
import { fakeClient } from '../helpers/fake-client.js';
import { TEST_CONFIG } from '../helpers/in-memory.js';

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
