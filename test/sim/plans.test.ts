/** The simulator's DescribeBackupPlanList, called with the official SDK's signing: filters, paging, shapes, faults. */
import { createRequire } from 'node:module';
import type OpenApiExports from '@alicloud/openapi-client';
import type TeaUtilExports from '@alicloud/tea-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient } from '../../src/dbs/client.js';
import { describeBackupPlanList } from '../../src/dbs/operations.js';
import { DEMO_BACKUP_PLANS, DEMO_PLANS, makePlans, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';

// Loaded with require(), as in simulator.test.ts: no one import form of these CJS modules works under both Node and vitest.
const require = createRequire(import.meta.url);
const OpenApi = require('@alicloud/openapi-client') as typeof OpenApiExports;
const Util = require('@alicloud/tea-util') as typeof TeaUtilExports;

const REGION = 'cn-shanghai';
const PLANS = makePlans({ region: REGION, count: 23, seed: 7 });
const OTHER = makePlans({ region: 'cn-beijing', count: 2, seed: 7 });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: { ...DEMO_BACKUP_PLANS, [REGION]: PLANS, 'cn-beijing': OTHER } });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.clearFaults();
  sim.setItemsShape('wrapped');
});

interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

async function sdkCall(action: string, query: Record<string, string>): Promise<Answer> {
  const client = new OpenApi.default(
    new OpenApi.Config({
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      accessKeySecret: TEST_CREDENTIALS.accessKeySecret,
      endpoint: sim.endpoint,
      protocol: 'HTTP',
    }),
  );
  const params = new OpenApi.Params({
    action,
    version: '2019-03-06',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  return (await client.callApi(params, new OpenApi.OpenApiRequest({ query }), new Util.RuntimeOptions({ readTimeout: 3000, connectTimeout: 3000 }))) as Answer;
}

const plansCall = (query: Record<string, string>): Promise<Answer> => sdkCall('DescribeBackupPlanList', query);
const idsOf = (body: Record<string, unknown>): string[] => {
  const items = body.Items as '' | { BackupPlanDetail: RawTask[] };
  return items === '' ? [] : items.BackupPlanDetail.map((p) => String(p.BackupPlanId));
};

describe('DescribeBackupPlanList in the simulator', () => {
  it('serves the plans of the Region asked for, paged from zero', async () => {
    const first = await plansCall({ Region: REGION, PageSize: '10', PageNum: '0' });
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({ Success: true, PageNum: 0, PageSize: 10, TotalElements: 23, TotalPages: 3 });
    expect(idsOf(first.body)).toEqual(PLANS.slice(0, 10).map((p) => p.BackupPlanId));
    const last = await plansCall({ Region: REGION, PageSize: '10', PageNum: '2' });
    expect(idsOf(last.body)).toEqual(PLANS.slice(20).map((p) => p.BackupPlanId));
    expect(sim.requests.at(-1)).toMatchObject({ action: 'DescribeBackupPlanList', status: 200, pageNum: 2 });
  });

  it('defaults to 30 a page and answers Items "" past the end and for a region without plans', async () => {
    const all = await plansCall({ Region: REGION });
    expect(all.body).toMatchObject({ PageSize: 30, PageNum: 0, TotalPages: 1 });
    expect(idsOf(all.body)).toHaveLength(23);
    expect((await plansCall({ Region: REGION, PageNum: '1' })).body.Items).toBe('');
    expect((await plansCall({ Region: 'eu-central-1' })).body).toMatchObject({ Items: '', TotalElements: 0, TotalPages: 0 });
  });

  it('filters by comma-joined ids, exact name and status', async () => {
    const [a, b] = [PLANS[3]!, PLANS[17]!];
    expect(idsOf((await plansCall({ Region: REGION, BackupPlanId: `${a.BackupPlanId},${b.BackupPlanId},dbs1nosuch` })).body)).toEqual([
      a.BackupPlanId,
      b.BackupPlanId,
    ]);
    expect(idsOf((await plansCall({ Region: REGION, BackupPlanName: String(a.BackupPlanName) })).body)).toContain(a.BackupPlanId);
    expect(idsOf((await plansCall({ Region: REGION, BackupPlanName: `${String(a.BackupPlanName)} ` })).body)).not.toContain(a.BackupPlanId);
    const stopped = PLANS.filter((p) => p.BackupPlanStatus === 'stop').map((p) => p.BackupPlanId);
    expect(stopped.length).toBeGreaterThan(0);
    expect(idsOf((await plansCall({ Region: REGION, BackupPlanStatus: 'stop' })).body)).toEqual(stopped);
  });

  it('writes 64-bit gateway ids as bare integers, which the client keeps digit for digit', async () => {
    const query = { Region: 'cn-hangzhou', BackupPlanId: 'dbs1demoplan01' };
    const viaSdk = await plansCall(query);
    // The SDK's JSON.parse turns the bare literal into a rounded double: proof it went out unquoted.
    expect(typeof (viaSdk.body.Items as { BackupPlanDetail: RawTask[] }).BackupPlanDetail[0]!.BackupSetDownloadGatewayId).toBe('number');
    const client = createDbsClient({ timeoutMs: 3000, maxAttempts: 1, credentials: async () => TEST_CREDENTIALS });
    const page = await client.call(
      describeBackupPlanList,
      { region: 'cn-hangzhou', backupPlanId: 'dbs1demoplan01', pageSize: 10, pageNum: 0 },
      { endpoint: { protocol: 'http', host: sim.endpoint } },
    );
    expect(page.items[0]!.BackupSetDownloadGatewayId).toBe('2305843009213693953');
  });

  it('refuses a page size the API refuses, and an action it does not serve', async () => {
    const tooBig = await plansCall({ Region: REGION, PageSize: '101' });
    expect(tooBig.body).toMatchObject({ Success: false, ErrCode: 'InvalidParameter.PageSize' });
    const error = (await sdkCall('DescribeBackupPlans', { Region: REGION }).catch((e: unknown) => e)) as { statusCode: number; data: { Code: string } };
    expect(error.statusCode).toBe(404);
    expect(error.data.Code).toBe('InvalidAction.NotFound');
  });

  it('injects faults into one action only when asked, naming that action in a 403', async () => {
    sim.addFault({ kind: 'forbidden', action: 'DescribeBackupPlanList', times: 1 });
    const tasks = await sdkCall('DescribeBackupSetDownloadTaskList', { BackupPlanId: 'dbs1demoplan01' });
    expect(tasks.statusCode).toBe(200);
    const error = (await plansCall({ Region: REGION }).catch((e: unknown) => e)) as {
      statusCode: number;
      data: { AccessDeniedDetail: { AuthAction: string } };
    };
    expect(error.statusCode).toBe(403);
    expect(error.data.AccessDeniedDetail.AuthAction).toBe('dbs:DescribeBackupPlanList');
    expect((await plansCall({ Region: REGION })).statusCode).toBe(200);
  });

  it('answers the download tasks of a listed plan that has none with an empty list, not an unknown plan', async () => {
    const generated = DEMO_BACKUP_PLANS['cn-hangzhou']![5]!.BackupPlanId as string;
    const answer = await sdkCall('DescribeBackupSetDownloadTaskList', { BackupPlanId: generated });
    expect(answer.body).toMatchObject({ Success: true, TotalElements: 0, Items: '' });
    const unknown = await sdkCall('DescribeBackupSetDownloadTaskList', { BackupPlanId: 'dbs1nosuchplan' });
    expect(unknown.body).toMatchObject({ Success: false, ErrCode: 'Param.NotFound' });
  });
});

describe('plan fixtures', () => {
  it('are the same for the same options and hold every documented status once there are 7', () => {
    expect(makePlans({ region: REGION, count: 23, seed: 7 })).toEqual(PLANS);
    const statuses = new Set(makePlans({ region: 'x', count: 7 }).map((p) => p.BackupPlanStatus));
    expect([...statuses].sort()).toEqual(['check_pass', 'init', 'locked', 'pause', 'running', 'stop', 'wait']);
  });

  it('give init plans a precheck error, stopped ones a failure, and the others none', () => {
    for (const plan of makePlans({ region: REGION, count: 60, seed: 3 })) {
      const status = plan.BackupPlanStatus;
      if (status === 'init') expect(plan.ErrMessage).toMatch(/^precheck failed: /);
      else if (status === 'stop') expect(plan.ErrMessage).toMatch(/^backup failed: /);
      else expect(plan.ErrMessage).toBe('');
    }
  });

  it('list both demo plans of the download-task fixtures in the demo region, the busy one newest', () => {
    const demo = DEMO_BACKUP_PLANS['cn-hangzhou']!;
    const ids = demo.map((p) => p.BackupPlanId);
    for (const id of Object.keys(DEMO_PLANS)) expect(ids).toContain(id);
    const newest = [...demo].sort((a, b) => Number(b.BackupPlanCreateTime) - Number(a.BackupPlanCreateTime))[0];
    expect(newest?.BackupPlanId).toBe('dbs1demoplan01');
    // The plan was created before any of its download tasks.
    const firstTask = Math.min(...DEMO_PLANS.dbs1demoplan01!.map((t) => Number(t.BackupSetDownloadCreateTime)));
    expect(Number(newest?.BackupPlanCreateTime)).toBeLessThan(firstTask);
    expect(new Set(DEMO_PLANS.dbs1demoplan01!.map((t) => t.BackupSetDbType))).toEqual(new Set([newest?.DatabaseType]));
  });
});
