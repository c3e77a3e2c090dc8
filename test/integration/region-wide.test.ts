/**
 * `list_backup_set_download_tasks` without a plan id: every plan of the regions in scope, through a real MCP
 * client and server in memory, the real DBS client and the simulator's account fixture (real signing, real HTTP).
 * Expected figures are worked out here from the raw fixture, independently of the server's code.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient } from '../../src/dbs/client.js';
import { ACCOUNT, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { DBS_REGIONS, startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';
import { setup, TEST_CONFIG } from '../helpers/in-memory.js';

const STATE_OF: Record<string, string> = { check_pass: 'pending', running: 'running', pause: 'paused', finish: 'succeeded', init: 'failed', stop: 'failed' };
const TASK_ACTION = 'DescribeBackupSetDownloadTaskList';
const PLAN_ACTION = 'DescribeBackupPlanList';

interface PlanRow {
  backupPlanId: string;
  regionId: string;
  tasksInPlan: number;
  tasksRead: number;
  byState: Record<string, number>;
  dataSizeBytesByState: Record<string, number>;
  lastFailure: { taskId: string; errorMessage: string } | null;
}
interface Structured {
  scope: {
    regions: string[];
    plansInScope: number;
    plansRead: number;
    complete: boolean;
    errors: { backupPlanId: string | null; regionId: string; code: string }[];
  };
  plans: PlanRow[];
  summary: {
    fetched: number;
    byState: Record<string, number>;
    dataSizeBytesByState: Record<string, number>;
    totalDataSizeBytes: number;
    failureReasons: { reason: string; count: number; byPlan: Record<string, number> }[];
    coverage: { complete: boolean };
  };
  tasks: { taskId: string; backupPlanId: string }[];
  nextArguments: Record<string, unknown> | null;
}

const stateOf = (t: RawTask): string => STATE_OF[String(t.BackupSetDownloadStatus)] ?? 'unknown';
const planIdsIn = (region: string): string[] => ACCOUNT.backupPlans[region]!.map((p) => String(p.BackupPlanId));

function expectedCounts(planIds: string[]): { byState: Record<string, number>; bytes: Record<string, number>; reasons: Map<string, Record<string, number>> } {
  const byState: Record<string, number> = { pending: 0, running: 0, paused: 0, succeeded: 0, failed: 0, unknown: 0 };
  const bytes: Record<string, number> = { ...byState };
  const reasons = new Map<string, Record<string, number>>();
  for (const planId of planIds) {
    for (const task of ACCOUNT.tasks[planId]!) {
      const state = stateOf(task);
      byState[state]! += 1;
      bytes[state]! += typeof task.BackupSetDataSize === 'number' ? task.BackupSetDataSize : 0;
      if (state !== 'failed') continue;
      const byPlan = reasons.get(String(task.ErrMessage)) ?? {};
      byPlan[planId] = (byPlan[planId] ?? 0) + 1;
      reasons.set(String(task.ErrMessage), byPlan);
    }
  }
  return { byState, bytes, reasons };
}

let sim: Simulator;
let session: Awaited<ReturnType<typeof setup>>;
const connect = async (concurrency = 4) => {
  await session?.close();
  const client = createDbsClient({ timeoutMs: 5000, maxAttempts: 1, credentials: async () => TEST_CREDENTIALS });
  session = await setup(client, { ...TEST_CONFIG, concurrency, endpointOverride: { protocol: 'http', host: sim.endpoint } });
};
beforeAll(async () => {
  sim = await startSimulator({ plans: ACCOUNT.tasks, backupPlans: ACCOUNT.backupPlans, regions: [...DBS_REGIONS] });
  await connect();
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});
afterEach(() => {
  sim.clearFaults();
  sim.setLatency(0);
});

async function ask(args: Record<string, unknown>): Promise<{ text: string; data: Structured }> {
  const result = await session.callTool(args);
  expect(result.isError, result.text).toBeFalsy();
  return { text: result.text, data: result.structuredContent as unknown as Structured };
}

describe('region-wide download tasks', () => {
  it('reads every plan of the default region, all pages, and sums them exactly', async () => {
    const before = sim.requests.length;
    const { text, data } = await ask({});
    const ids = planIdsIn('cn-hangzhou');
    const tasks = ids.reduce((n, id) => n + ACCOUNT.tasks[id]!.length, 0);
    expect(text.split('\n')[0]).toBe(`Region cn-hangzhou: all ${ids.length} backup plans read, ${tasks} download tasks.`);
    const planRequests = sim.requests.slice(before).filter((r) => r.action === PLAN_ACTION);
    expect(planRequests.map((r) => r.query)).toEqual([{ Region: 'cn-hangzhou', PageSize: '100', PageNum: '0' }]);
    const taskRequests = sim.requests.slice(before).filter((r) => r.action === TASK_ACTION);
    expect(new Set(taskRequests.map((r) => r.query.BackupPlanId))).toEqual(new Set(ids));
    const expected = expectedCounts(ids);
    expect(data.summary.byState).toEqual(expected.byState);
    expect(data.summary.dataSizeBytesByState).toEqual(expected.bytes);
    expect(data.scope).toMatchObject({ regions: ['cn-hangzhou'], plansInScope: ids.length, plansRead: ids.length, complete: true, errors: [] });
    for (const row of data.plans) {
      const own = expectedCounts([row.backupPlanId]);
      expect(row.byState).toEqual(own.byState);
      expect(row.tasksInPlan).toBe(ACCOUNT.tasks[row.backupPlanId]!.length);
    }
    // The default region-wide limit lists 50 tasks, newest first, each with its plan.
    expect(data.tasks).toHaveLength(50);
    expect(text).toContain('id | plan | name | state | db | format | size | created | finished | took');
    // The same rows as for one plan: a raw status only where it says more than the state.
    expect(text).not.toContain('succeeded (finish)');
  });

  it('covers the whole account with allRegions: counts, sizes and failure reasons by plan', async () => {
    const { text, data } = await ask({ allRegions: true });
    expect(text.split('\n')[0]).toBe(
      `All ${DBS_REGIONS.length} regions: all ${ACCOUNT.planIds.length} backup plans read, ${ACCOUNT.planIds.reduce((n, id) => n + ACCOUNT.tasks[id]!.length, 0)} download tasks.`,
    );
    const expected = expectedCounts(ACCOUNT.planIds);
    expect(data.summary.byState).toEqual(expected.byState);
    expect(data.summary.totalDataSizeBytes).toBe(ACCOUNT.totalDataSize);
    expect(data.plans.map((p) => p.backupPlanId).sort()).toEqual([...ACCOUNT.planIds].sort());
    expect(data.summary.failureReasons.map((r) => [r.reason, r.byPlan])).toEqual(
      expect.arrayContaining([...expected.reasons].map(([reason, byPlan]) => [reason, byPlan])),
    );
    expect(data.summary.failureReasons).toHaveLength(expected.reasons.size);
    // The most frequent reason comes first, in the text too.
    const top = [...expected.reasons]
      .map(([reason, byPlan]) => [reason, Object.values(byPlan).reduce((a, b) => a + b, 0)] as const)
      .sort((a, b) => b[1] - a[1])[0]!;
    const reasonLines = text.split('\n').filter((l) => l.startsWith('- ') && l.includes(' × '));
    expect(reasonLines[0]).toContain(`${top[1]} × "${top[0]}"`);
  });

  it('reads the regions named in regionIds, each plan row with its region', async () => {
    const { text, data } = await ask({ regionIds: ['cn-shanghai', 'ap-southeast-1'] });
    const ids = [...planIdsIn('cn-shanghai'), ...planIdsIn('ap-southeast-1')];
    expect(text.split('\n')[0]).toMatch(new RegExp(`^Regions cn-shanghai, ap-southeast-1: all ${ids.length} backup plans read`));
    expect(data.plans.map((p) => [p.backupPlanId, p.regionId])).toEqual(
      ids.map((id) => [id, planIdsIn('cn-shanghai').includes(id) ? 'cn-shanghai' : 'ap-southeast-1']),
    );
    expect(text).toContain('plan | name | region | db | plan status');
  });

  it('says first when maxPlans leaves plans out, and gives the arguments that read the rest', async () => {
    const { text, data } = await ask({ allRegions: true, maxPlans: 3 });
    expect(text.split('\n')[0]).toMatch(/^Partial: 3 of 7 plans read in all \d+ regions \(maxPlans 3: 4 plans not read\)/);
    expect(data.scope).toMatchObject({ plansInScope: 7, plansRead: 3, complete: false });
    expect(data.summary.coverage.complete).toBe(false);
    expect(data.nextArguments).toEqual({ allRegions: true, maxPlans: 7 });
    expect(text.split('\n')[1]).toBe(`For the rest, call list_backup_set_download_tasks with ${JSON.stringify(data.nextArguments)}.`);
    const rest = await ask(data.nextArguments!);
    expect(rest.data.scope.complete).toBe(true);
  });

  it('answers the rest when one plan cannot be listed, and names it with its error code', async () => {
    const denied = 'dbs1acct0hz002';
    sim.addFault({ kind: 'forbidden', action: TASK_ACTION, backupPlanId: denied });
    const { text, data } = await ask({});
    expect(text.split('\n')[0]).toMatch(/^Partial: 2 of 3 plans read in region cn-hangzhou \(1 plan whose task listing failed\)/);
    expect(data.scope.errors).toEqual([expect.objectContaining({ backupPlanId: denied, regionId: 'cn-hangzhou', code: 'Forbidden.RAM' })]);
    expect(data.plans.map((p) => p.backupPlanId)).toEqual(planIdsIn('cn-hangzhou').filter((id) => id !== denied));
    expect(data.summary.byState).toEqual(expectedCounts(planIdsIn('cn-hangzhou').filter((id) => id !== denied)).byState);
    expect(text).toContain(`- plan ${denied} (cn-hangzhou): task listing failed: Forbidden.RAM`);
  });

  it('answers the other regions when one region cannot list its plans, and fails when none can', async () => {
    sim.addFault({ kind: 'forbidden', action: PLAN_ACTION, times: 1 });
    const { text, data } = await ask({ regionIds: ['cn-shanghai', 'ap-southeast-1'] });
    expect(data.scope.errors).toHaveLength(1);
    const failed = data.scope.errors[0]!;
    expect(failed).toMatchObject({ backupPlanId: null, code: 'Forbidden.RAM' });
    const other = failed.regionId === 'cn-shanghai' ? 'ap-southeast-1' : 'cn-shanghai';
    expect(data.plans.map((p) => p.backupPlanId)).toEqual(planIdsIn(other));
    expect(text.split('\n')[0]).toContain(`plan listing failed in ${failed.regionId}`);

    sim.addFault({ kind: 'forbidden', action: PLAN_ACTION });
    const all = await session.callTool({ regionIds: ['cn-shanghai', 'ap-southeast-1'] });
    expect(all.isError).toBe(true);
    expect(all.text).toMatch(/^Forbidden\.RAM/);
  });

  it('keeps pages of several plans in flight at once, never more than the concurrency setting', async () => {
    await connect(3);
    try {
      sim.setLatency(40);
      sim.resetPeakInFlight();
      const before = sim.requests.length;
      await ask({ allRegions: true });
      expect(sim.peakInFlight()).toBe(3);
      // The first pages of the first plans went out together: within one round trip of each other.
      const firstPages = sim.requests.slice(before).filter((r) => r.action === TASK_ACTION && r.pageNum === 0);
      const starts = firstPages.slice(0, 3).map((r) => r.receivedAt);
      expect(new Set(firstPages.slice(0, 3).map((r) => r.query.BackupPlanId)).size).toBe(3);
      expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(40);
    } finally {
      await connect();
    }
  });

  it('refuses regionIds or allRegions beside a plan id, and two ways of naming regions', async () => {
    const withPlan = await session.callTool({ backupPlanId: 'dbs1acct0hz001', allRegions: true });
    expect(withPlan.isError).toBe(true);
    expect(withPlan.text).toContain('leave out backupPlanId');
    const both = await session.callTool({ regionId: 'cn-hangzhou', regionIds: ['cn-shanghai'] });
    expect(both.isError).toBe(true);
    expect(both.text).toContain('give one of regionId, regionIds and allRegions');
  });
});
