/** Whole plans in one call: 2,345 tasks over 24 pages, through the built server over stdio. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

const PLAN = 'dbs1bigplan001';
const tasks = makeTasks({ planId: PLAN, count: 2345, seed: 42 });

// The contract's state table, written out independently of the code under test.
const STATE: Record<string, string> = {
  checking: 'pending',
  check_pass: 'pending',
  schedule: 'pending',
  running: 'running',
  pause: 'paused',
  finish: 'succeeded',
  init: 'failed',
  stop: 'failed',
  failed: 'failed',
  warning: 'failed',
  caught: 'failed',
};
function expectedByState(raw: typeof tasks): Record<string, number> {
  const counts: Record<string, number> = { pending: 0, running: 0, paused: 0, succeeded: 0, failed: 0, unknown: 0 };
  for (const t of raw) counts[STATE[String(t.BackupSetDownloadStatus ?? '').toLowerCase()] ?? 'unknown']! += 1;
  return counts;
}
function newestIds(raw: typeof tasks, n: number): string[] {
  return [...raw]
    .sort(
      (a, b) =>
        Number(b.BackupSetDownloadCreateTime ?? 0) - Number(a.BackupSetDownloadCreateTime ?? 0) ||
        String(a.BackupSetDownloadTaskId).localeCompare(String(b.BackupSetDownloadTaskId)),
    )
    .slice(0, n)
    .map((t) => String(t.BackupSetDownloadTaskId));
}

interface Structured {
  page: { pagesFetched: number; totalPages: number; totalElements: number; hasMore: boolean; nextPageNum: number | null };
  summary: { fetched: number; matched: number; listed: number; byState: Record<string, number>; totalDataSizeBytes: number; failedTasks: unknown[] };
  tasks: { taskId: string; state: string }[];
  request: { requestIds: string[] };
}

let sim: Simulator;
let session: StdioSession;
beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: tasks }, latencyMs: 10 });
  session = await spawnServer(simulatorEnv(sim));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

describe('allPages over a large plan', () => {
  it('summarises all 2,345 tasks from 24 pages, lists the 100 newest and reports progress per page', async () => {
    const progress: number[] = [];
    const before = sim.requests.length;
    const result = await session.callTool(
      { backupPlanId: PLAN, allPages: true, pageSize: 100, maxPages: 24 },
      { onprogress: (p) => progress.push(p.progress) },
    );
    const s = result.structuredContent as unknown as Structured;
    expect(s.page).toMatchObject({ pagesFetched: 24, totalPages: 24, totalElements: 2345, hasMore: false, nextPageNum: null });
    expect(s.summary).toMatchObject({ fetched: 2345, matched: 2345, listed: 100 });
    expect(s.summary.byState).toEqual(expectedByState(tasks));
    expect(s.summary.totalDataSizeBytes).toBe(tasks.reduce((sum, t) => sum + (typeof t.BackupSetDataSize === 'number' ? t.BackupSetDataSize : 0), 0));
    expect(s.tasks.map((t) => t.taskId)).toEqual(newestIds(tasks, 100));
    expect(progress.length).toBeGreaterThanOrEqual(20);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(s.request.requestIds).toHaveLength(24);
    const pages = sim.requests
      .slice(before)
      .map((r) => r.pageNum)
      .sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(pages).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('stops at maxPages, counting only what it fetched, and resumes from nextPageNum', async () => {
    const first = (await session.callTool({ backupPlanId: PLAN, allPages: true, pageSize: 100, maxPages: 10 })).structuredContent as unknown as Structured;
    expect(first.page).toMatchObject({ pagesFetched: 10, hasMore: true, nextPageNum: 10 });
    expect(first.summary.fetched).toBe(1000);
    const second = await session.callTool({ backupPlanId: PLAN, allPages: true, pageSize: 100, maxPages: 10, pageNum: 10 });
    const s2 = second.structuredContent as unknown as Structured;
    expect(s2.page).toMatchObject({ pagesFetched: 10, nextPageNum: 20 });
    expect(second.text).toContain('"pageNum":20');
  });

  it('filters states across pages and counts every match', async () => {
    const result = await session.callTool({ backupPlanId: PLAN, allPages: true, pageSize: 100, maxPages: 24, states: ['failed'], limit: 5 });
    const s = result.structuredContent as unknown as Structured;
    const failed = expectedByState(tasks).failed!;
    expect(s.summary).toMatchObject({ fetched: 2345, matched: failed, listed: 5 });
    expect(s.summary.failedTasks).toHaveLength(Math.min(failed, 50));
    expect(s.tasks.every((t) => t.state === 'failed')).toBe(true);
  });

  it('keeps the text block at most 25% of the raw API JSON for the same 100 tasks', async () => {
    const result = await session.callTool({ backupPlanId: PLAN, pageSize: 100, limit: 100 });
    const page = tasks.slice(0, 100);
    const raw = JSON.stringify({
      RequestId: '00000000-0000-0000-0000-000000000000',
      PageSize: 100,
      PageNum: 0,
      HttpStatusCode: 200,
      TotalElements: 2345,
      TotalPages: 24,
      Items: { BackupSetDownloadTaskDetail: page },
      Success: true,
    });
    const textBytes = Buffer.byteLength(result.text);
    expect(textBytes / Buffer.byteLength(raw)).toBeLessThanOrEqual(0.25);
    for (const t of page) expect(result.text).toContain(String(t.BackupSetDownloadTaskId));
  });
});
