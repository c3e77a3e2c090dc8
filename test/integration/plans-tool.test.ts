/** `list_backup_plans` through a real MCP client and server in memory, over a fake DBS client. */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DbsError } from '../../src/dbs/errors.js';
import type { PlanListInput } from '../../src/tools/list-backup-plans/args.js';
import { listBackupPlans } from '../../src/tools/list-backup-plans/tool.js';
import { renderPlansText } from '../../src/tools/list-backup-plans/render.js';
import { outputSchema as planOutputSchema } from '../../src/tools/list-backup-plans/schema.js';
import { fakeClient, rawPlans } from '../helpers/fake-client.js';
import { setup, TEST_CONFIG } from '../helpers/in-memory.js';

const TOOL = 'list_backup_plans';
let active: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await active?.close();
  active = undefined;
});

async function connect(plans = rawPlans(12), failPlans?: NonNullable<Parameters<typeof fakeClient>[1]>['failPlans']) {
  const client = fakeClient([], { plans, failPlans });
  active = await setup(client);
  const session = active;
  return { ...session, client, call: (args: Record<string, unknown>) => session.callTool(args, TOOL) };
}

describe('tools/list', () => {
  it('lists list_backup_plans read-only, with a title, both schemas and a description that names the next tool', async () => {
    const { mcp } = await connect();
    const tool = (await mcp.listTools()).tools.find((t) => t.name === TOOL)!;
    expect(tool.title).toBe('List DBS backup plans');
    expect(tool.annotations).toEqual({ title: 'List DBS backup plans', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual([
      'backupPlanIds',
      'backupPlanName',
      'status',
      'regionId',
      'regionIds',
      'allRegions',
      'pageSize',
      'pageNum',
      'allPages',
      'maxPages',
      'limit',
      'includeEndpointDetails',
    ]);
    expect(tool.inputSchema.additionalProperties).toBe(false);
    expect(Object.keys(tool.outputSchema?.properties ?? {})).toEqual(['request', 'page', 'summary', 'regions', 'plans', 'warnings', 'nextArguments']);
    expect(tool.description).toContain('list_backup_set_download_tasks');
    expect(tool.description).toMatch(/init = not started \(precheck failed\).*stop = failed/);
  });

  it('names plan discovery in the server instructions', async () => {
    const { mcp } = await connect();
    expect(mcp.getInstructions()).toMatch(/list_backup_plans discovers the backup plans/);
  });
});

describe('tools/call input checks', () => {
  it.each([
    [{ backupPlanIds: [] }, /backupPlanIds/],
    [{ backupPlanIds: Array.from({ length: 101 }, (_, i) => `p${i}`) }, /backupPlanIds/],
    [{ backupPlanIds: ['ok', 'a,b'] }, /a plan id takes letters, digits/],
    [{ backupPlanIds: [''] }, /a plan id is not empty/],
    [{ status: 'failed' }, /status is one of wait, init, check_pass, running, pause, stop, locked/],
    [{ pageSize: 0 }, /pageSize/],
    [{ pageSize: 101 }, /pageSize/],
    [{ pageNum: -1 }, /pageNum/],
    [{ maxPages: 51 }, /maxPages/],
    [{ limit: 1001 }, /limit/],
    [{ regionId: 'Hangzhou' }, /regionId looks like cn-hangzhou/],
    [
      { backupPlanId: 'p1' },
      /unknown key\(s\) backupPlanId; allowed keys: backupPlanIds, backupPlanName, status, regionId, regionIds, allRegions, pageSize, pageNum, allPages, maxPages, limit, includeEndpointDetails/,
    ],
  ])('%j is refused with a message naming the problem', async (args, message) => {
    const { call, client } = await connect();
    const result = await call(args);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(message);
    expect(client.planRequests).toHaveLength(0);
  });
});

describe('tools/call results', () => {
  it('reads every page by default with progress, and hands over plan ids', async () => {
    const { mcp, client } = await connect(rawPlans(250));
    const progress: number[] = [];
    const result = await mcp.callTool({ name: TOOL, arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as { page: unknown; summary: { fetched: number; listed: number }; plans: { backupPlanId: string }[] };
    expect(s.page).toEqual({ pageNum: 0, pageSize: 100, pagesFetched: 3, totalPages: 3, totalElements: 250, hasMore: false, nextPageNum: null });
    expect(s.summary).toMatchObject({ fetched: 250, listed: 200 });
    expect(progress).toEqual([1, 2, 3]);
    expect(client.planRequests.every((r) => r.region === 'cn-hangzhou')).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text.split('\n')[0]).toBe('Backup plans in region cn-hangzhou: pageNum 0-2 (of pages 0-2, 100 plans per page), 250 in total.');
    expect(text).toContain('call list_backup_set_download_tasks with its backupPlanId, e.g. {"backupPlanId":"p249","allPages":true}');
  });

  it('removes duplicate ids before joining them', async () => {
    const { call, client } = await connect();
    await call({ backupPlanIds: ['p001', 'p002', 'p001'] });
    expect(client.planRequests[0]?.backupPlanId).toBe('p001,p002');
  });

  it('answers an API failure with isError, the code first and a next step', async () => {
    const { call } = await connect(
      rawPlans(3),
      () => new DbsError('Forbidden.RAM', 'User not authorized', { httpStatus: 403, requestId: 'RID-7', authAction: 'dbs:DescribeBackupPlanList' }),
    );
    const result = await call({});
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      'Forbidden.RAM: User not authorized\nHTTP 403, request id RID-7\nNext: Grant the RAM identity the action dbs:DescribeBackupPlanList (for example with a RAM policy), then call again.',
    );
  });

  it('answers an unexpected exception without its details and keeps serving', async () => {
    let calls = 0;
    const { call, logLines } = await connect(rawPlans(3), () => {
      calls += 1;
      if (calls === 1) throw new TypeError('boom at https://x/y?Signature=leak');
      return undefined;
    });
    const failed = await call({});
    expect(failed.text).toMatch(/^UnexpectedError: /);
    expect(failed.text).not.toContain('leak');
    expect(logLines.join('')).toContain('list_backup_plans: unexpected failure: TypeError: boom');
    expect((await call({})).isError).toBeFalsy();
  });
});

const RAW_FIELDS = [
  'BackupPlanId',
  'BackupPlanName',
  'BackupPlanStatus',
  'BackupPlanCreateTime',
  'BackupMethod',
  'DatabaseType',
  'SourceEndpointInstanceType',
  'SourceEndpointInstanceID',
  'SourceEndpointRegion',
  'SourceEndpointUserName',
  'SourceEndpointIpPort',
  'BackupRetentionPeriod',
  'BackupStorageType',
  'OSSBucketName',
  'OSSBucketRegion',
  'OpenBackupSetAutoDownload',
  'BackupSetDownloadTargetType',
  'BackupSetDownloadDir',
  'BackupSetDownloadFullDataFormat',
  'BackupSetDownloadIncrementDataFormat',
  'BeginTimestampForRestore',
  'EndTimestampForRestore',
  'CrossAliyunId',
  'CrossRoleName',
  'ErrMessage',
];
const rawValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1, stringUnit: 'binary' }),
  fc.constantFrom('', ' ', '0', 'true', 'false', 'system', 'init', 'STOP', 'https://x.oss.aliyuncs.com/f?Signature=s'),
  fc.constantFrom(0, -1, 8.64e15, 8.65e15, 1e300, 1_764_000_000_000, 2 ** 63),
  fc.double(),
);
const rawPlan = fc.record(Object.fromEntries(RAW_FIELDS.map((field) => [field, rawValue])), { requiredKeys: [] });

describe('every result the tool can build', () => {
  it('matches the output schema and renders, whatever the API pages hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawPlan, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 1, max: 30 }), async (plans, details, limit) => {
        const input: PlanListInput = { pageSize: 7, pageNum: 0, allPages: true, maxPages: 3, limit, includeEndpointDetails: details };
        const result = await listBackupPlans(input, { client: fakeClient([], { plans }), config: TEST_CONFIG });
        const checked = planOutputSchema.safeParse(JSON.parse(JSON.stringify(result)));
        expect(checked.success ? 'matches' : z.prettifyError(checked.error)).toBe('matches');
        const text = renderPlansText(result, input);
        expect(text).not.toMatch(/\bundefined\b|NaN|\[object Object\]|Signature=s/);
      }),
      { numRuns: 100, seed: 20261203 },
    );
  });
});
