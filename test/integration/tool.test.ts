import { afterEach, describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { fakeClient, rawTasks } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

let active: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await active?.close();
  active = undefined;
});

async function connect(tasks = rawTasks(75), fail?: NonNullable<Parameters<typeof fakeClient>[1]>['fail']) {
  const client = fakeClient(tasks, { fail });
  active = await setup(client);
  return { ...active, client };
}

describe('tools/list', () => {
  it('lists the tool with a title, all four annotations and both schemas', async () => {
    const { mcp } = await connect();
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans', 'wait_for_backup_set_download_task']);
    const tool = tools[0]!;
    expect(tool.title).toBe('List DBS backup set download tasks');
    expect(tool.annotations).toEqual({
      title: 'List DBS backup set download tasks',
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    });
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual([
      'backupPlanId',
      'backupSetDownloadTaskId',
      'pageSize',
      'pageNum',
      'allPages',
      'maxPages',
      'states',
      'createdAfter',
      'createdBefore',
      'finishedAfter',
      'finishedBefore',
      'sortBy',
      'limit',
      'includeUrls',
      'regionId',
      'clientToken',
      'regionIds',
      'allRegions',
      'maxPlans',
    ]);
    expect(tool.inputSchema.additionalProperties).toBe(false);
    expect(Object.keys(tool.outputSchema?.properties ?? {})).toEqual(['request', 'page', 'summary', 'tasks', 'warnings', 'nextArguments', 'scope', 'plans']);
  });
});

describe('tools/call input checks', () => {
  it.each([
    [{ backupPlanId: 'p', allRegions: true }, /^InvalidInput: regionIds and allRegions read every plan of their regions: leave out backupPlanId/],
    [{ backupSetDownloadTaskId: 't', regionIds: ['cn-shanghai'] }, /^InvalidInput: regionIds and allRegions read every plan/],
    [{ regionId: 'cn-hangzhou', allRegions: true }, /^InvalidInput: give one of regionId, regionIds and allRegions, not regionId and allRegions/],
    [{ regionIds: [] }, /regionIds/],
    [{ regionIds: ['CN_HANGZHOU'] }, /each of regionIds looks like cn-hangzhou/],
    [{ maxPlans: 501 }, /maxPlans/],
    [{ backupPlanId: 'p', pageSize: 40 }, /pageSize must be 30, 50 or 100/],
    [{ backupPlanId: 'p', pageNum: -1 }, /pageNum/],
    [{ backupPlanId: 'p', pageNum: 1.5 }, /pageNum/],
    [{ backupPlanId: 'p', maxPages: 101 }, /maxPages/],
    [{ backupPlanId: 'p', limit: 0 }, /limit/],
    [{ backupPlanId: 'p', states: ['done'] }, /states are pending, running, paused, succeeded, failed, unknown/],
    [{ backupPlanId: 'p', states: ['stopped'] }, /states are pending, running, paused, succeeded, failed, unknown/],
    [{ backupPlanId: 'p', sortBy: 'name' }, /sortBy is created, finished, duration, size/],
    [
      { backupPlanId: 'p', createdAfter: 'last week' },
      /^InvalidInput: createdAfter "last week" is not an ISO 8601 date \(2026-11-20\), date-time \(2026-11-20T08:00:00Z\) or age \(90m, 24h, 7d, 2w\)/,
    ],
    [{ backupPlanId: 'p', createdBefore: '2026-02-30' }, /^InvalidInput: createdBefore "2026-02-30" is not/],
    [{ backupPlanId: 'p', createdAfter: '2026-11-21', createdBefore: '2026-11-20' }, /^InvalidInput: createdAfter must be earlier than createdBefore/],
    [{ backupPlanId: 'p', finishedAfter: 'today', finishedBefore: 'yesterday' }, /^InvalidInput: finishedAfter must be earlier than finishedBefore/],
    [{ backupPlanId: 'p', finishedBefore: 'soon' }, /^InvalidInput: finishedBefore "soon" is not an ISO 8601 date/],
    [{ backupPlanId: 'p', regionId: 'CN_HANGZHOU' }, /regionId looks like cn-hangzhou/],
    [
      { backupPlanId: 'p', pagesize: 50 },
      /unknown key\(s\) pagesize; allowed keys: backupPlanId, backupSetDownloadTaskId, pageSize, pageNum, allPages, maxPages, states, createdAfter, createdBefore, finishedAfter, finishedBefore, sortBy, limit, includeUrls, regionId, clientToken, regionIds, allRegions, maxPlans/,
    ],
    [{ backupPlanId: 'p; rm -rf' }, /Backup plan ID takes letters, digits/],
    [{ backupPlanId: 'x'.repeat(65) }, /at most 64 characters/],
    [{ backupPlanId: 'p', clientToken: 'has space' }, /clientToken takes printable ASCII/],
    [{ backupPlanId: 'p', includeUrls: 'yes' }, /includeUrls/],
  ])('%j is refused with a message naming the problem', async (args, message) => {
    const { callTool, client } = await connect();
    const result = await callTool(args);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(message);
    expect(client.requests).toHaveLength(0);
  });
});

describe('tools/call results', () => {
  it('returns structuredContent and a text block for a first page', async () => {
    const { callTool } = await connect();
    const result = await callTool({ backupPlanId: 'plan1' });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { page: unknown; summary: { fetched: number }; tasks: { taskId: string }[] };
    expect(structured.page).toEqual({ pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages: 3, totalElements: 75, hasMore: true, nextPageNum: 1 });
    expect(structured.summary.fetched).toBe(30);
    expect(structured.tasks[0]!.taskId).toBe('t029');
    expect(result.text.split('\n').slice(0, 3)).toEqual([
      'Partial result: this call read 30 of 75 tasks of this plan (pageNum 0): the counts below cover those 30 only.',
      'For counts over the whole plan, call list_backup_set_download_tasks with {"backupPlanId":"plan1","allPages":true}.',
      'Backup set download tasks for plan plan1, region cn-hangzhou: pageNum 0 (of pages 0-2, 30 tasks per page), 75 in total.',
    ]);
    expect(result.text).toContain('More pages: call list_backup_set_download_tasks with {"backupPlanId":"plan1","pageSize":30,"pageNum":1}');
  });

  it('sends progress notifications per page when asked', async () => {
    const { mcp } = await connect(rawTasks(300));
    const progress: number[] = [];
    const result = await mcp.callTool({ name: 'list_backup_set_download_tasks', arguments: { backupPlanId: 'p', allPages: true } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.isError).toBeFalsy();
    // 100 tasks a page by default with allPages.
    expect(progress).toEqual([1, 2, 3]);
  });

  it('reads 100 tasks a page, up to 50 pages, by default with allPages', async () => {
    const { callTool, client } = await connect(rawTasks(5200));
    const result = await callTool({ backupPlanId: 'p', allPages: true });
    expect(client.requests.map((r) => r.pageSize)).toEqual(Array(50).fill(100));
    expect((result.structuredContent as { summary: { coverage: unknown } }).summary.coverage).toEqual({
      complete: false,
      tasksRead: 5000,
      totalElements: 5200,
    });
    expect(result.text.split('\n').slice(0, 2)).toEqual([
      'Partial result: this call read 5,000 of 5,200 tasks of this plan (pageNum 0-49): the counts below cover those 5,000 only.',
      'For counts over the whole plan, call list_backup_set_download_tasks with {"backupPlanId":"p","allPages":true,"maxPages":52}.',
    ]);
  });

  it('keeps a creation window given as an age, counted back from the call', async () => {
    const now = Date.now();
    const tasks = [1, 5, 23, 25, 49].map((hours, i) => ({
      BackupSetDownloadTaskId: `h${hours}`,
      BackupSetDownloadStatus: 'finish',
      BackupSetDownloadCreateTime: now - hours * 3_600_000 - i,
    }));
    const { callTool } = await connect(tasks);
    const result = await callTool({ backupPlanId: 'p', createdAfter: '24h' });
    expect((result.structuredContent as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(['h1', 'h5', 'h23']);
    expect(result.text).toMatch(/^Read 5, matched 3 \(created at or after \d{4}-\d{2}-\d{2} \d{2}:\d{2}\), listed 3/m);
  });

  it('takes an empty createdAfter or createdBefore as unset', async () => {
    const { callTool } = await connect(rawTasks(10));
    const result = await callTool({ backupPlanId: 'p', createdAfter: '', createdBefore: '' });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { summary: { matched: number } }).summary.matched).toBe(10);
  });

  it('answers an API failure with isError, the code first and a next step', async () => {
    const { callTool, logLines } = await connect(
      rawTasks(5),
      () => new DbsError('Forbidden.RAM', 'User not authorized', { httpStatus: 403, requestId: 'RID-9', authAction: 'dbs:DescribeBackupSetDownloadTaskList' }),
    );
    const result = await callTool({ backupPlanId: 'p' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(result.text).toBe(
      'Forbidden.RAM: User not authorized\nHTTP 403, request id RID-9\nNext: Grant the RAM identity the action dbs:DescribeBackupSetDownloadTaskList (for example with a RAM policy), then call again.',
    );
    expect(logLines.join('')).toContain('Forbidden.RAM');
  });

  it('answers an unexpected exception as an error and keeps serving', async () => {
    let calls = 0;
    const { callTool, logLines } = await connect(rawTasks(5), () => {
      calls += 1;
      if (calls === 1) throw new TypeError('boom at https://x/y?Signature=leak');
      return undefined;
    });
    const failed = await callTool({ backupPlanId: 'p' });
    expect(failed.isError).toBe(true);
    expect(failed.text).toMatch(/^UnexpectedError: /);
    expect(failed.text).not.toContain('leak');
    expect(logLines.join('')).toContain('TypeError: boom');
    expect(logLines.join('')).not.toContain('Signature=leak');
    const next = await callTool({ backupPlanId: 'p' });
    expect(next.isError).toBeFalsy();
  });
});
