import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { DbsClient } from '../../src/dbs/client.js';
import { DbsError } from '../../src/dbs/errors.js';
import { nextArgumentsOf, wholePlanArgumentsOf, type ListInput } from '../../src/tools/list-backup-set-download-tasks/args.js';
import { listDownloadTasks } from '../../src/tools/list-backup-set-download-tasks/tool.js';
import { fakeClient, rawTasks } from '../helpers/fake-client.js';

const config: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 4 };
const input = (over: Partial<ListInput> = {}): ListInput => ({
  backupPlanId: 'plan1',
  pageSize: 30,
  pageNum: 0,
  allPages: false,
  maxPages: 10,
  states: [],
  window: { after: null, before: null },
  sortBy: 'created',
  limit: 100,
  includeUrls: false,
  ...over,
});

describe('listDownloadTasks', () => {
  it('fetches one page by default and points at the next', async () => {
    const client = fakeClient(rawTasks(75));
    const result = await listDownloadTasks(input(), { client, config });
    expect(client.requests).toEqual([{ backupPlanId: 'plan1', backupSetDownloadTaskId: undefined, pageSize: 30, pageNum: 0, clientToken: undefined }]);
    expect(result.page).toEqual({ pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages: 3, totalElements: 75, hasMore: true, nextPageNum: 1 });
    expect(result.request).toEqual({ regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['REQ-0'] });
    expect(result.summary.fetched).toBe(30);
    expect(result.nextArguments).toEqual({ backupPlanId: 'plan1', pageSize: 30, pageNum: 1 });
  });

  it('reports the last page as having nothing more', async () => {
    const result = await listDownloadTasks(input({ pageNum: 2 }), { client: fakeClient(rawTasks(75)), config });
    expect(result.page).toMatchObject({ pagesFetched: 1, hasMore: false, nextPageNum: null });
    expect(result.tasks).toHaveLength(15);
    expect(result.nextArguments).toBeNull();
  });

  it('with allPages fetches every page, summarises all and lists the newest first up to limit', async () => {
    const progress: [number, number][] = [];
    const client = fakeClient(rawTasks(250));
    const result = await listDownloadTasks(input({ allPages: true, pageSize: 50, limit: 10 }), {
      client,
      config,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(client.requests.map((r) => r.pageNum).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(result.page).toMatchObject({ pagesFetched: 5, hasMore: false, nextPageNum: null, totalElements: 250 });
    expect(result.summary).toMatchObject({ fetched: 250, matched: 250, listed: 10 });
    expect(result.summary.byState).toEqual({ pending: 0, running: 62, paused: 0, succeeded: 63, failed: 125, unknown: 0 });
    expect(result.tasks.map((t) => t.taskId)).toEqual(['t249', 't248', 't247', 't246', 't245', 't244', 't243', 't242', 't241', 't240']);
    expect(progress).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(result.request.requestIds).toEqual(['REQ-0', 'REQ-1', 'REQ-2', 'REQ-3', 'REQ-4']);
  });

  it('stops at maxPages and says where to resume', async () => {
    const result = await listDownloadTasks(input({ allPages: true, maxPages: 2, pageNum: 1 }), { client: fakeClient(rawTasks(200)), config });
    expect(result.page).toMatchObject({ pageNum: 1, pagesFetched: 2, hasMore: true, nextPageNum: 3, totalPages: 7 });
    expect(result.nextArguments).toEqual({ backupPlanId: 'plan1', pageSize: 30, pageNum: 3, allPages: true, maxPages: 2 });
  });

  it('filters by state across pages and counts only matches (init is a failed precheck)', async () => {
    const result = await listDownloadTasks(input({ allPages: true, states: ['failed'] }), { client: fakeClient(rawTasks(100)), config });
    expect(result.summary).toMatchObject({ fetched: 100, matched: 50, listed: 50 });
    expect(result.tasks.every((t) => t.state === 'failed')).toBe(true);
    expect(result.summary.byStatus).toEqual({ failed: 25, init: 25 });
    expect(result.summary.failedTasks).toHaveLength(50);
    expect(result.summary.byState.succeeded).toBe(0);
  });

  it('removes tasks that appear on two pages', async () => {
    const tasks = rawTasks(60);
    const shifted = [...tasks.slice(0, 30), tasks[29]!, ...tasks.slice(30)];
    const result = await listDownloadTasks(input({ allPages: true }), { client: fakeClient(shifted, { totalOverride: (p) => (p === 0 ? 60 : 61) }), config });
    expect(result.summary.fetched).toBe(60);
    expect(new Set(result.tasks.map((t) => t.taskId)).size).toBe(60);
    expect(result.warnings).toEqual(['the task list changed while it was read (totals 60 -> 61): duplicates were removed, a task may have been missed']);
  });

  it('returns what it fetched when a later page fails, with the first missing page as nextPageNum', async () => {
    const fail = (r: { pageNum: number }) =>
      r.pageNum === 3 ? new DbsError('Throttling.User', 'denied', { httpStatus: 400, retryable: true, attempts: 3 }) : undefined;
    const result = await listDownloadTasks(input({ allPages: true }), { client: fakeClient(rawTasks(300), { fail }), config: { ...config, concurrency: 1 } });
    expect(result.page).toMatchObject({ pagesFetched: 3, hasMore: true, nextPageNum: 3 });
    expect(result.summary.fetched).toBe(90);
    expect(result.warnings).toEqual(['page 3 failed after 3 attempts (Throttling.User: denied); this result covers pages 0 to 2 only']);
    expect(result.nextArguments).toMatchObject({ pageNum: 3, allPages: true });
  });

  it('fails the call when the first page fails', async () => {
    const fail = () => new DbsError('Forbidden.RAM', 'no', { httpStatus: 403 });
    await expect(listDownloadTasks(input({ allPages: true }), { client: fakeClient(rawTasks(10), { fail }), config })).rejects.toMatchObject({
      code: 'Forbidden.RAM',
    });
  });

  it('sends the client token with the first page only, and resolves the region', async () => {
    const client = fakeClient(rawTasks(90));
    const result = await listDownloadTasks(input({ allPages: true, clientToken: 'tok-1', regionId: 'ap-southeast-1' }), { client, config });
    expect(client.requests.map((r) => [r.pageNum, r.clientToken])).toEqual([
      [0, 'tok-1'],
      [1, undefined],
      [2, undefined],
    ]);
    expect(result.request.endpoint).toBe('dbs-api.ap-southeast-1.aliyuncs.com');
    expect(result.request.regionId).toBe('ap-southeast-1');
  });

  it('answers an empty plan with zero counts and no next page', async () => {
    const result = await listDownloadTasks(input({ allPages: true }), { client: fakeClient([]), config });
    expect(result.page).toEqual({ pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages: 0, totalElements: 0, hasMore: false, nextPageNum: null });
    expect(result.tasks).toEqual([]);
    expect(result.summary.coverage).toEqual({ complete: true, tasksRead: 0, totalElements: 0 });
  });

  it.each([
    ['one page of several', input(), { complete: false, tasksRead: 30, totalElements: 75 }],
    ['every page', input({ allPages: true }), { complete: true, tasksRead: 75, totalElements: 75 }],
    ['the last pages only', input({ allPages: true, pageNum: 1 }), { complete: false, tasksRead: 45, totalElements: 75 }],
    ['pages up to maxPages', input({ allPages: true, maxPages: 2 }), { complete: false, tasksRead: 60, totalElements: 75 }],
  ])('tells whether it read the whole plan: %s', async (_name, listInput, coverage) => {
    const result = await listDownloadTasks(listInput, { client: fakeClient(rawTasks(75)), config });
    expect(result.summary.coverage).toEqual(coverage);
  });

  it('keeps only tasks created in the window, and sorts by finish time when asked', async () => {
    // rawTasks are created a minute apart from 2026-11-01 00:00; give every other one a finish time, oldest finishing last.
    const tasks = rawTasks(60).map((t, i) => ({ ...t, BackupSetDownloadFinishTime: i % 2 === 0 ? Date.UTC(2026, 10, 2) - i * 60_000 : 0 }));
    const window = { after: Date.UTC(2026, 10, 1, 0, 10), before: Date.UTC(2026, 10, 1, 0, 20) };
    const result = await listDownloadTasks(input({ allPages: true, window, sortBy: 'finished' }), { client: fakeClient(tasks), config });
    expect(result.summary).toMatchObject({ fetched: 60, matched: 10, listed: 10 });
    expect(result.tasks.map((t) => t.taskId)).toEqual(['t010', 't012', 't014', 't016', 't018', 't019', 't017', 't015', 't013', 't011']);
  });

  it.each([
    ['Forbidden.RAM', 'no access to BackupPlanId dbs1x'],
    ['Throttling.User', 'Request was denied'],
  ])('leaves other errors as they are: %s', async (code, message) => {
    const fail = () => new DbsError(code, message, { httpStatus: 400 });
    await expect(listDownloadTasks(input(), { client: fakeClient([], { fail }), config })).rejects.toMatchObject({ code, message });
  });

  it('names the region when the plan is unknown', async () => {
    const fail = () => new DbsError('Param.NotFound', 'The specified parameter BackupPlanId value is not valid.', { httpStatus: 400, requestId: 'R1' });
    await expect(listDownloadTasks(input({ regionId: 'ap-southeast-1' }), { client: fakeClient([], { fail }), config })).rejects.toMatchObject({
      code: 'Param.NotFound',
      requestId: 'R1',
      message:
        'backup plan plan1 was not found in region ap-southeast-1 (endpoint dbs-api.ap-southeast-1.aliyuncs.com; list_backup_plans lists the plans of a region): The specified parameter BackupPlanId value is not valid.',
    });
  });

  it('keeps at most concurrency pages in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const base = fakeClient(rawTasks(600));
    const client: DbsClient = {
      ...base,
      async call(operation, params, options) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return await base.call(operation, params, options);
        } finally {
          inFlight -= 1;
        }
      },
    };
    await listDownloadTasks(input({ allPages: true, maxPages: 20 }), { client, config: { ...config, concurrency: 3 } });
    expect(peak).toBe(3);
  });

  it('stops and rejects with Cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    const client = fakeClient(rawTasks(900));
    const done = listDownloadTasks(input({ allPages: true, maxPages: 30 }), {
      client,
      config: { ...config, concurrency: 1 },
      signal: controller.signal,
      onProgress: (n) => n === 2 && controller.abort(),
    });
    await expect(done).rejects.toMatchObject({ code: 'Cancelled' });
    expect(client.requests.length).toBeLessThan(5);
  });
});

describe('nextArgumentsOf', () => {
  it('repeats every filter but never the client token', () => {
    expect(
      nextArgumentsOf(
        input({
          backupPlanId: undefined,
          backupSetDownloadTaskId: 'tk',
          regionId: 'cn-beijing',
          states: ['failed'],
          limit: 5,
          includeUrls: true,
          clientToken: 'x',
          pageSize: 100,
        }),
        4,
      ),
    ).toEqual({ backupSetDownloadTaskId: 'tk', regionId: 'cn-beijing', pageSize: 100, pageNum: 4, states: ['failed'], limit: 5, includeUrls: true });
  });

  it('gives the time window as instants, so that an age does not move, and the sort order', () => {
    const window = { after: Date.UTC(2026, 10, 20, 8), before: null };
    expect(nextArgumentsOf(input({ window, sortBy: 'finished', allPages: true }), 2)).toEqual({
      backupPlanId: 'plan1',
      pageSize: 30,
      pageNum: 2,
      allPages: true,
      maxPages: 10,
      createdAfter: '2026-11-20T08:00:00.000Z',
      sortBy: 'finished',
    });
  });
});

describe('wholePlanArgumentsOf', () => {
  it.each([
    [0, { backupPlanId: 'plan1', allPages: true, states: ['failed'] }],
    [5000, { backupPlanId: 'plan1', allPages: true, states: ['failed'] }],
    [5001, { backupPlanId: 'plan1', allPages: true, maxPages: 51, states: ['failed'] }],
    [10_000, { backupPlanId: 'plan1', allPages: true, maxPages: 100, states: ['failed'] }],
    [10_001, null],
    [null, null],
  ])('%j tasks: %j', (total, args) => {
    expect(wholePlanArgumentsOf(input({ states: ['failed'], pageNum: 3, clientToken: 't' }), total)).toEqual(args);
  });
});
