import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { DbsError } from '../../src/dbs/errors.js';
import { nextPlanArgumentsOf } from '../../src/tools/list-backup-plans/args.js';
import { listBackupPlans } from '../../src/tools/list-backup-plans/tool.js';
import { fakeClient, planInput, rawPlans } from '../helpers/fake-client.js';

const config: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 4 };
const input = planInput;

describe('listBackupPlans', () => {
  it('reads every page by default, sends the region, and reports progress', async () => {
    const client = fakeClient([], { plans: rawPlans(250) });
    const progress: [number, number][] = [];
    const result = await listBackupPlans(input(), { client, config, onProgress: (done, total) => progress.push([done, total]) });
    expect(client.planRequests.map((r) => r.pageNum).sort()).toEqual([0, 1, 2]);
    expect(client.planRequests[0]).toEqual({
      backupPlanId: undefined,
      backupPlanName: undefined,
      backupPlanStatus: undefined,
      region: 'cn-hangzhou',
      pageSize: 100,
      pageNum: 0,
    });
    expect(result.page).toEqual({ pageNum: 0, pageSize: 100, pagesFetched: 3, totalPages: 3, totalElements: 250, hasMore: false, nextPageNum: null });
    expect(result.request).toEqual({ regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['REQ-0', 'REQ-1', 'REQ-2'] });
    expect(result.summary).toMatchObject({ fetched: 250, listed: 200 });
    expect(result.plans[0]?.backupPlanId).toBe('p249');
    expect(result.nextArguments).toBeNull();
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('joins plan ids with commas and passes name, status and the asked region', async () => {
    const client = fakeClient([], { plans: rawPlans(10) });
    const result = await listBackupPlans(input({ backupPlanIds: ['p001', 'p005'], backupPlanName: 'plan 5', status: 'init', regionId: 'ap-southeast-1' }), {
      client,
      config,
    });
    expect(client.planRequests).toEqual([
      { backupPlanId: 'p001,p005', backupPlanName: 'plan 5', backupPlanStatus: 'init', region: 'ap-southeast-1', pageSize: 100, pageNum: 0 },
    ]);
    expect(result.request.endpoint).toBe('dbs-api.ap-southeast-1.aliyuncs.com');
    expect(result.plans.map((p) => p.backupPlanId)).toEqual(['p005']);
  });

  it('stops at maxPages and gives the exact arguments of the next call', async () => {
    const client = fakeClient([], { plans: rawPlans(45) });
    const result = await listBackupPlans(input({ pageSize: 10, maxPages: 2, status: 'running' }), { client, config });
    expect(result.page).toMatchObject({ pagesFetched: 2, totalPages: 2, hasMore: false });
    const all = await listBackupPlans(input({ pageSize: 10, maxPages: 2 }), { client, config });
    expect(all.page).toMatchObject({ pagesFetched: 2, totalPages: 5, hasMore: true, nextPageNum: 2 });
    expect(all.summary.fetched).toBe(20);
    expect(all.nextArguments).toEqual({ pageSize: 10, pageNum: 2, maxPages: 2 });
  });

  it('reads one page without allPages', async () => {
    const client = fakeClient([], { plans: rawPlans(45) });
    const result = await listBackupPlans(input({ pageSize: 10, allPages: false, pageNum: 1 }), { client, config });
    expect(client.planRequests.map((r) => r.pageNum)).toEqual([1]);
    expect(result.plans.map((p) => p.backupPlanId)).toEqual(['p019', 'p018', 'p017', 'p016', 'p015', 'p014', 'p013', 'p012', 'p011', 'p010']);
    expect(result.nextArguments).toEqual({ pageSize: 10, pageNum: 2, allPages: false });
  });

  it('keeps the pages before a failed one, with a warning', async () => {
    const client = fakeClient([], {
      plans: rawPlans(45),
      failPlans: (r) => (r.pageNum === 2 ? new DbsError('InternalError', 'boom', { retryable: true, attempts: 3 }) : undefined),
    });
    const result = await listBackupPlans(input({ pageSize: 10 }), { client, config: { ...config, concurrency: 1 } });
    expect(result.page).toMatchObject({ pagesFetched: 2, hasMore: true, nextPageNum: 2 });
    expect(result.warnings).toEqual(['page 2 failed after 3 attempts (InternalError: boom); this result covers pages 0 to 1 only']);
  });

  it('fails when the first page fails', async () => {
    const client = fakeClient([], { failPlans: () => new DbsError('Forbidden.RAM', 'denied', { httpStatus: 403 }) });
    await expect(listBackupPlans(input(), { client, config })).rejects.toMatchObject({ code: 'Forbidden.RAM' });
  });

  it('stops and rejects with Cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    const client = fakeClient([], { plans: rawPlans(400) });
    const done = listBackupPlans(input({ pageSize: 10, maxPages: 40 }), {
      client,
      config: { ...config, concurrency: 1 },
      signal: controller.signal,
      onProgress: (n) => n === 2 && controller.abort(),
    });
    await expect(done).rejects.toMatchObject({ code: 'Cancelled' });
    expect(client.planRequests.length).toBeLessThan(5);
  });

  it('answers an empty list with no pages', async () => {
    const result = await listBackupPlans(input(), { client: fakeClient([]), config });
    expect(result.page).toEqual({ pageNum: 0, pageSize: 100, pagesFetched: 1, totalPages: 0, totalElements: 0, hasMore: false, nextPageNum: null });
    expect(result.summary).toEqual({ fetched: 0, listed: 0, byStatus: {}, byDbType: {}, byRegion: {}, attention: [], attentionTotal: 0 });
  });
});

describe('nextPlanArgumentsOf', () => {
  it('repeats every filter, leaves defaults out', () => {
    expect(
      nextPlanArgumentsOf(
        input({ backupPlanIds: ['a', 'b'], backupPlanName: 'n', status: 'stop', regionId: 'cn-beijing', limit: 5, includeEndpointDetails: true }),
        3,
      ),
    ).toEqual({ backupPlanIds: ['a', 'b'], backupPlanName: 'n', status: 'stop', regionId: 'cn-beijing', pageNum: 3, limit: 5, includeEndpointDetails: true });
  });
});
