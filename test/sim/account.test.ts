/** DescribeRegions in the simulator (signed and faulted like the other actions), and the account fixture's shape. */
import { createRequire } from 'node:module';
import type OpenApiExports from '@alicloud/openapi-client';
import type TeaUtilExports from '@alicloud/tea-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, makeAccount, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { DBS_REGIONS, startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';

// Loaded with require(), as in simulator.test.ts: no one import form of these CJS modules works under both Node and vitest.
const require = createRequire(import.meta.url);
const OpenApi = require('@alicloud/openapi-client') as typeof OpenApiExports;
const Util = require('@alicloud/tea-util') as typeof TeaUtilExports;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ plans: ACCOUNT.tasks, backupPlans: ACCOUNT.backupPlans });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.clearFaults();
  sim.setRegions([...DBS_REGIONS]);
});

interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

async function sdkCall(
  action: string,
  query: Record<string, string> = {},
  secret = TEST_CREDENTIALS.accessKeySecret,
  endpoint = sim.endpoint,
): Promise<Answer> {
  const client = new OpenApi.default(new OpenApi.Config({ accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: secret, endpoint, protocol: 'HTTP' }));
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

type Failure = { statusCode: number; data: Record<string, unknown> };
const failure = (call: Promise<Answer>): Promise<Failure> =>
  call.then(
    () => expect.fail('the call succeeded'),
    (e: unknown) => e as Failure,
  );

describe('DescribeRegions in the simulator', () => {
  it('lists every DBS region by default, those of the plans included', async () => {
    const answer = await sdkCall('DescribeRegions');
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ Success: true, HttpStatusCode: 200, Regions: { RegionCode: [...DBS_REGIONS] } });
    expect(answer.body.RequestId).toEqual(expect.any(String));
    for (const region of ACCOUNT.regions) expect(DBS_REGIONS).toContain(region);
    expect(sim.requests.at(-1)).toMatchObject({ action: 'DescribeRegions', status: 200 });
  });

  it('adds regions that hold plans but are not in the default list, and lists what setRegions sets', async () => {
    const own = await startSimulator({ backupPlans: { 'me-east-1': [] } });
    try {
      const answer = await sdkCall('DescribeRegions', {}, TEST_CREDENTIALS.accessKeySecret, own.endpoint);
      expect((answer.body.Regions as { RegionCode: string[] }).RegionCode).toEqual([...DBS_REGIONS, 'me-east-1']);
    } finally {
      await own.close();
    }
    sim.setRegions(['cn-shanghai', 'cn-hangzhou']);
    expect((await sdkCall('DescribeRegions')).body.Regions).toEqual({ RegionCode: ['cn-shanghai', 'cn-hangzhou'] });
  });

  it('checks the signature as for the other actions', async () => {
    const error = await failure(sdkCall('DescribeRegions', {}, 'not-the-secret'));
    expect(error.statusCode).toBe(400);
    expect(error.data.Code).toBe('SignatureDoesNotMatch');
    expect(sim.requests.at(-1)).toMatchObject({ action: 'DescribeRegions', status: 400, code: 'SignatureDoesNotMatch' });
  });

  it('takes faults for its action only', async () => {
    sim.addFault({ kind: 'throttling', action: 'DescribeRegions', times: 1 });
    expect((await sdkCall('DescribeBackupPlanList', { Region: 'cn-hangzhou' })).statusCode).toBe(200);
    const error = await failure(sdkCall('DescribeRegions'));
    expect(error.statusCode).toBe(400);
    expect(error.data.Code).toBe('Throttling.User');
    sim.addFault({ kind: 'forbidden', action: 'DescribeRegions', times: 1 });
    expect(((await failure(sdkCall('DescribeRegions'))).data.AccessDeniedDetail as { AuthAction: string }).AuthAction).toBe('dbs:DescribeRegions');
    expect((await sdkCall('DescribeRegions')).statusCode).toBe(200);
  });
});

const allTasks = (fixture = ACCOUNT): RawTask[] => Object.values(fixture.tasks).flat();
const plansOf = (fixture = ACCOUNT): RawTask[] => Object.values(fixture.backupPlans).flat();

describe('the account fixture', () => {
  it('is the same for the same clock, and moves with the clock', () => {
    expect(makeAccount()).toEqual(ACCOUNT);
    const later = makeAccount({ nowMs: ACCOUNT.nowMs + 86_400_000 });
    const first = (f: typeof ACCOUNT) => f.tasks[f.planIds[0]!]![5]!.BackupSetDownloadCreateTime as number;
    expect(first(later) - first(ACCOUNT)).toBe(86_400_000);
  });

  it('holds seven plans in three regions, one paused and one locked with its expiry and charge type', () => {
    const plans = plansOf();
    expect(plans).toHaveLength(7);
    expect(ACCOUNT.planIds).toEqual(plans.map((p) => p.BackupPlanId));
    expect(ACCOUNT.regions).toEqual(['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1']);
    expect(plans.filter((p) => p.BackupPlanStatus === 'pause')).toHaveLength(1);
    const locked = plans.filter((p) => p.BackupPlanStatus === 'locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ InstanceChargeType: 'PREPAY', InstanceExpiredTimestamp: expect.any(Number) });
    expect(locked[0]!.InstanceExpiredTimestamp as number).toBeLessThan(ACCOUNT.nowMs);
    for (const plan of plans) {
      expect(plan.BackupPeriod).toMatch(
        /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(,(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))*$/,
      );
      expect(plan.BackupStartTime).toMatch(/^\d{2}:00$/);
      expect(Object.keys(plan)).toEqual(Object.keys(plan).sort());
    }
    for (const [region, list] of Object.entries(ACCOUNT.backupPlans)) for (const plan of list) expect(plan.SourceEndpointRegion).toBe(region);
  });

  it('has about 500 tasks over the last 30 days, with durations of minutes to hours', () => {
    const tasks = allTasks();
    expect(tasks.length).toBeGreaterThanOrEqual(450);
    expect(tasks.length).toBeLessThanOrEqual(550);
    expect(new Set(tasks.map((t) => t.BackupSetDownloadTaskId)).size).toBe(tasks.length);
    const monthAgo = ACCOUNT.nowMs - 30 * 86_400_000;
    for (const task of tasks) {
      const created = task.BackupSetDownloadCreateTime as number;
      const finished = task.BackupSetDownloadFinishTime as number;
      expect(created).toBeGreaterThanOrEqual(monthAgo);
      expect(created).toBeLessThanOrEqual(ACCOUNT.nowMs);
      if (task.BackupSetDownloadStatus === 'finish' || task.BackupSetDownloadStatus === 'stop') {
        expect(finished - created).toBeGreaterThanOrEqual(60_000);
        expect(finished - created).toBeLessThanOrEqual(6 * 3_600_000);
      } else {
        expect(finished).toBe(0);
      }
    }
    // Spread over the month, not bunched: tasks in each of its four weeks.
    const weeks = new Set(tasks.map((t) => Math.floor((ACCOUNT.nowMs - (t.BackupSetDownloadCreateTime as number)) / (7 * 86_400_000))));
    expect([0, 1, 2, 3].every((w) => weeks.has(w))).toBe(true);
  });

  it('counts what it holds: statuses, failure reasons shared across plans, sizes', () => {
    const tasks = allTasks();
    const byStatus: Record<string, number> = {};
    for (const t of tasks) byStatus[t.BackupSetDownloadStatus as string] = (byStatus[t.BackupSetDownloadStatus as string] ?? 0) + 1;
    expect(ACCOUNT.countsByStatus).toEqual(byStatus);
    for (const status of ['finish', 'running', 'pause', 'check_pass', 'init', 'stop']) expect(byStatus[status]).toBeGreaterThan(0);
    const failed = tasks.filter((t) => t.BackupSetDownloadStatus === 'init' || t.BackupSetDownloadStatus === 'stop');
    expect(Object.values(ACCOUNT.countsByError).reduce((a, b) => a + b, 0)).toBe(failed.length);
    expect(Object.keys(ACCOUNT.countsByError).length).toBeGreaterThanOrEqual(4);
    for (const t of tasks) expect(t.ErrMessage === '').toBe(!failed.includes(t));
    const plansByReason = new Map<string, Set<unknown>>();
    for (const t of failed) plansByReason.set(t.ErrMessage as string, (plansByReason.get(t.ErrMessage as string) ?? new Set()).add(t.BackupPlanId));
    expect([...plansByReason.values()].some((plans) => plans.size >= 2)).toBe(true);
    const sized = tasks.filter((t) => typeof t.BackupSetDataSize === 'number');
    expect(sized.length).toBeGreaterThan(tasks.length / 2);
    expect(ACCOUNT.totalDataSize).toBe(sized.reduce((sum, t) => sum + (t.BackupSetDataSize as number), 0));
    for (const t of tasks.filter((t) => t.BackupSetDownloadStatus !== 'finish')) expect(t.BackupSetDownloadInternetUrl ?? '').toBe('');
  });

  it("is served per region by DescribeBackupPlanList, and each plan's tasks by DescribeBackupSetDownloadTaskList", async () => {
    for (const region of ACCOUNT.regions) {
      const answer = await sdkCall('DescribeBackupPlanList', { Region: region, PageSize: '100' });
      const items = (answer.body.Items as { BackupPlanDetail: RawTask[] }).BackupPlanDetail;
      expect(items.map((p) => p.BackupPlanId)).toEqual(ACCOUNT.backupPlans[region]!.map((p) => p.BackupPlanId));
    }
    const planId = ACCOUNT.planIds[1]!;
    const tasks = await sdkCall('DescribeBackupSetDownloadTaskList', { BackupPlanId: planId, PageSize: '100' });
    expect(tasks.body.TotalElements).toBe(ACCOUNT.tasks[planId]!.length);
  });
});
