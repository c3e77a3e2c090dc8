import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLANS, makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

interface Structured {
  request: { regionId: string; endpoint: string; requestIds: string[] };
  page: {
    pageNum: number;
    pageSize: number;
    pagesFetched: number;
    totalPages: number | null;
    totalElements: number | null;
    hasMore: boolean;
    nextPageNum: number | null;
  };
  summary: { fetched: number; matched: number; listed: number; byState: Record<string, number> };
  tasks: { taskId: string; gatewayId: string | null; createdAt: string | null; internetUrl?: string | null }[];
}

const PLAN = 'dbs1e2eplan001';
const tasks = makeTasks({ planId: PLAN, count: 75, seed: 7 });
let sim: Simulator;
let session: StdioSession;

beforeAll(async () => {
  sim = await startSimulator({ plans: { ...DEMO_PLANS, [PLAN]: tasks } });
  session = await spawnServer(simulatorEnv(sim));
});

afterAll(async () => {
  await session?.close();
  await sim?.close();
});

describe('the built server over stdio against the simulator', () => {
  it('lists the tool with its input and output schemas', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans', 'wait_for_backup_set_download_task']);
    expect(tools[0]!.name).toBe('list_backup_set_download_tasks');
    expect(tools[0]!.outputSchema?.type).toBe('object');
    expect(tools[0]!.annotations?.readOnlyHint).toBe(true);
  });

  it('gets a verified first page', async () => {
    const before = sim.requests.length;
    const result = await session.callTool({ backupPlanId: PLAN });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as unknown as Structured;
    expect(s.page).toEqual({ pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages: 3, totalElements: 75, hasMore: true, nextPageNum: 1 });
    expect(s.summary.fetched).toBe(30);
    expect(s.request.endpoint).toBe(sim.endpoint);
    const seen = sim.requests.slice(before);
    expect(seen.map((r) => [r.status, r.code])).toEqual([[200, undefined]]);
    expect(seen[0]!.query).toEqual({ BackupPlanId: PLAN, PageNum: '0', PageSize: '30' });
    expect(s.request.requestIds).toHaveLength(1);
    // The first page holds the first 30 tasks as served; the tool lists them newest first.
    const ids = new Set(tasks.slice(0, 30).map((t) => t.BackupSetDownloadTaskId));
    expect(s.tasks.every((t) => ids.has(t.taskId))).toBe(true);
    const created = s.tasks.map((t) => t.createdAt ?? '');
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('gets the last page with nothing more to fetch', async () => {
    const result = await session.callTool({ backupPlanId: PLAN, pageNum: 2 });
    const s = result.structuredContent as unknown as Structured;
    expect(s.page).toMatchObject({ pageNum: 2, pagesFetched: 1, hasMore: false, nextPageNum: null });
    expect(s.summary.fetched).toBe(15);
    expect(result.text).not.toContain('More pages');
  });

  it('answers an empty plan (Items: "") with zero counts', async () => {
    const result = await session.callTool({ backupPlanId: 'dbs1emptyplan0' });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as unknown as Structured;
    expect(s.summary).toMatchObject({ fetched: 0, matched: 0, listed: 0 });
    expect(s.page).toMatchObject({ totalElements: 0, hasMore: false, nextPageNum: null });
    expect(result.text).toContain('Plan dbs1emptyplan0 has no download tasks in region cn-hangzhou.');
  });

  it('finds a single task by id, keeping its 64-bit gateway id exact', async () => {
    const target = tasks.find((t) => typeof t.BackupGatewayId === 'string' && BigInt(t.BackupGatewayId as string) > BigInt(Number.MAX_SAFE_INTEGER));
    expect(target).toBeDefined();
    const result = await session.callTool({ backupSetDownloadTaskId: target!.BackupSetDownloadTaskId });
    const s = result.structuredContent as unknown as Structured;
    expect(s.tasks).toHaveLength(1);
    expect(s.tasks[0]!.taskId).toBe(target!.BackupSetDownloadTaskId);
    expect(s.tasks[0]!.gatewayId).toBe(target!.BackupGatewayId);
    expect(result.text).toContain(`task ${target!.BackupSetDownloadTaskId}`);
  });

  it('reads a whole plan with allPages and never shows URLs unless asked', async () => {
    const result = await session.callTool({ backupPlanId: PLAN, allPages: true, pageSize: 50 });
    const s = result.structuredContent as unknown as Structured;
    expect(s.summary.fetched).toBe(75);
    expect(s.page).toMatchObject({ pagesFetched: 2, hasMore: false });
    expect(JSON.stringify(result)).not.toMatch(/Signature=|OSSAccessKeyId=/);
    const withUrls = await session.callTool({ backupPlanId: PLAN, allPages: true, pageSize: 50, includeUrls: true });
    expect(JSON.stringify(withUrls.structuredContent)).toMatch(/Signature=/);
  });

  it('answers an unknown plan with the API error Param.NotFound, naming the region it was looked up in', async () => {
    const result = await session.callTool({ backupPlanId: 'dbs1nosuchplan' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^Param\.NotFound: backup plan dbs1nosuchplan was not found in region cn-hangzhou \(endpoint 127\.0\.0\.1:\d+; list_backup_plans lists the plans of a region\): The specified parameter BackupPlanId value is not valid\.\nHTTP 400, request id [0-9A-F-]+\nNext: /,
    );
  });

  it('never sends RegionId on the wire, whatever region is asked for', async () => {
    const before = sim.requests.length;
    await session.callTool({ backupPlanId: PLAN, regionId: 'ap-southeast-1' });
    expect(sim.requests.slice(before).every((r) => !('RegionId' in r.query))).toBe(true);
  });
});
