import { describe, expect, it } from 'vitest';
import type { ListInput } from '../../src/tools/list-backup-set-download-tasks/args.js';
import type { ListResult } from '../../src/tools/list-backup-set-download-tasks/schema.js';
import { renderText } from '../../src/tools/list-backup-set-download-tasks/render.js';
import { humanSize, shortTime } from '../../src/tools/shared/format.js';
import { summariseTasks } from '../../src/tools/list-backup-set-download-tasks/digest.js';
import type { DownloadTask } from '../../src/tools/shared/download-task.js';
import { normaliseTask } from '../../src/tools/shared/raw-task.js';

describe('humanSize', () => {
  it.each([
    [null, '-'],
    [0, '0 B'],
    [213, '213 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [150 * 1024 ** 2, '150 MiB'],
    [3.3 * 1024 ** 4, '3.3 TiB'],
  ])('%j -> %s', (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});

describe('shortTime', () => {
  it('keeps date and minutes of an ISO time', () => {
    expect(shortTime('2026-11-27T10:05:59.000Z')).toBe('2026-11-27 10:05');
    expect(shortTime(null)).toBe('-');
  });
});

const raw = [
  {
    BackupSetDownloadTaskId: 'dbstk1',
    BackupSetDownloadTaskName: 'nightly | full',
    BackupSetDownloadStatus: 'finish',
    BackupSetDbType: 'MySQL',
    BackupSetDataFormat: 'SQL',
    BackupSetDataSize: 1536,
    BackupSetDownloadCreateTime: Date.UTC(2026, 10, 27, 10, 0),
    BackupSetDownloadFinishTime: Date.UTC(2026, 10, 27, 10, 5),
    BackupSetDownloadInternetUrl: 'https://dl.example.com/a?Signature=xyz',
  },
  {
    BackupSetDownloadTaskId: 'dbstk2',
    BackupSetDownloadTaskName: 'weekly',
    BackupSetDownloadStatus: 'Caught',
    BackupSetDbType: 'MySQL',
    BackupSetDataFormat: 'CSV',
    BackupSetDownloadCreateTime: Date.UTC(2026, 10, 26, 9, 0),
    ErrMessage: 'java.lang.IndexOutOfBoundsException\n at x',
  },
  { BackupSetDownloadTaskId: 'dbstk3', BackupSetDownloadStatus: 'archived' },
  {
    BackupSetDownloadTaskId: 'dbstk4',
    BackupSetDownloadStatus: 'init',
    BackupSetDbType: 'PostgreSQL',
    BackupSetDataSize: 2048,
    BackupSetDownloadCreateTime: Date.UTC(2026, 10, 25, 9, 0),
    ErrMessage: 'precheck failed: gateway offline',
  },
];

const input = (over: Partial<ListInput> = {}): ListInput => ({
  backupPlanId: 'dbs1plan',
  pageSize: 30,
  pageNum: 0,
  allPages: true,
  maxPages: 2,
  states: [],
  window: { after: null, before: null },
  sortBy: 'created',
  limit: 100,
  includeUrls: false,
  ...over,
});

function result(includeUrls: boolean, over: Partial<ListResult> = {}, tasks: DownloadTask[] = raw.map((r) => normaliseTask(r, includeUrls))): ListResult {
  return {
    request: { regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['R1', 'R2'] },
    page: { pageNum: 0, pageSize: 30, pagesFetched: 2, totalPages: 3, totalElements: 63, hasMore: true, nextPageNum: 2 },
    summary: { ...summariseTasks(60, tasks, tasks.length), coverage: { complete: false, tasksRead: 60, totalElements: 63 } },
    tasks,
    warnings: [],
    nextArguments: { backupPlanId: 'dbs1plan', pageSize: 30, pageNum: 2, allPages: true, maxPages: 2 },
    ...over,
  };
}

/** A result that read the whole plan: one page, every task. */
function whole(tasks: DownloadTask[], over: Partial<ListResult> = {}): ListResult {
  return result(
    false,
    {
      page: {
        pageNum: 0,
        pageSize: 30,
        pagesFetched: 1,
        totalPages: tasks.length === 0 ? 0 : 1,
        totalElements: tasks.length,
        hasMore: false,
        nextPageNum: null,
      },
      summary: { ...summariseTasks(tasks.length, tasks, tasks.length), coverage: { complete: true, tasksRead: tasks.length, totalElements: tasks.length } },
      nextArguments: null,
      ...over,
    },
    tasks,
  );
}

describe('renderText', () => {
  it('says first that only part of the plan was read, then counts, sizes, types, failures by reason, the table and the next call', () => {
    expect(renderText(result(false), input())).toBe(
      [
        'Partial result: this call read 60 of 63 tasks of this plan (pageNum 0-1): the counts below cover those 60 only.',
        'For counts over the whole plan, call list_backup_set_download_tasks with {"backupPlanId":"dbs1plan","allPages":true}.',
        'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 0-1 (of pages 0-2, 30 tasks per page), 63 in total.',
        'Read 60, matched 4, listed 4, newest first by creation time (times UTC).',
        'By state (count, data size): succeeded 1 (1.5 KiB), failed 2 (2.0 KiB), unknown 1 (0 B).',
        'Raw statuses: succeeded = finish 1; failed = Caught 1 (abnormal, counted as failed), init 1 (precheck failed, not started); unknown = archived 1 (not a documented status).',
        'Database types: MySQL 2, PostgreSQL 1, not reported 1.',
        'Total size 3.5 KiB; created 2026-11-25 09:00 to 2026-11-27 10:00.',
        'Failures by reason (2 failed, most frequent first):',
        '- 1 × "java.lang.IndexOutOfBoundsException at x": dbstk2',
        '- 1 × "precheck failed: gateway offline": dbstk4',
        'Failed tasks: 2',
        '- dbstk2 weekly: failed (Caught: abnormal, counted as failed): java.lang.IndexOutOfBoundsException at x',
        '- dbstk4 -: failed (init: precheck failed, not started): precheck failed: gateway offline',
        'id | name | state | db | format | size | created | finished | took',
        'dbstk1 | nightly / full | succeeded | MySQL | SQL | 1.5 KiB | 2026-11-27 10:00 | 2026-11-27 10:05 | 5m 00s',
        'dbstk2 | weekly | failed (Caught) | MySQL | CSV | - | 2026-11-26 09:00 | - | -',
        'dbstk3 | - | unknown (archived) | - | - | - | - | - | -',
        'dbstk4 | - | failed (init) | PostgreSQL | - | 2.0 KiB | 2026-11-25 09:00 | - | -',
        'Download URLs exist for some tasks; they are omitted unless includeUrls is true.',
        'More pages: call list_backup_set_download_tasks with {"backupPlanId":"dbs1plan","pageSize":30,"pageNum":2,"allPages":true,"maxPages":2}',
      ].join('\n'),
    );
  });

  it('never shows a URL unless includeUrls asked for it', () => {
    expect(renderText(result(false), input())).not.toContain('https://');
    const withUrls = renderText(result(true), input({ includeUrls: true }));
    expect(withUrls).toContain('- dbstk1: internet https://dl.example.com/a?Signature=xyz');
  });

  it('has no partial line and no ordering caveat when the whole plan was read', () => {
    const text = renderText(whole(raw.map((r) => normaliseTask(r, false))), input());
    expect(text.split('\n').slice(0, 2)).toEqual([
      'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 0 (of pages 0-0, 30 tasks per page), 4 in total.',
      'Read 4, matched 4, listed 4, newest first by creation time (times UTC).',
    ]);
    expect(text).not.toMatch(/Partial|Order:/);
  });

  it('says that newest first holds within a single page of several, and names allPages', () => {
    const r = result(false, { page: { pageNum: 1, pageSize: 30, pagesFetched: 1, totalPages: 3, totalElements: 63, hasMore: true, nextPageNum: 2 } });
    r.summary.coverage = { complete: false, tasksRead: 30, totalElements: 63 };
    const lines = renderText(r, input({ allPages: false, pageNum: 1 })).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Partial result: this call read 30 of 63 tasks of this plan (pageNum 1): the counts below cover those 30 only.',
      'For counts over the whole plan, call list_backup_set_download_tasks with {"backupPlanId":"dbs1plan","allPages":true}.',
      'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 1 (of pages 0-2, 30 tasks per page), 63 in total.',
      'Read 60, matched 4, listed 4, newest first by creation time (times UTC).',
      'Order: newest first holds within this page only; the API does not order pages by time. Use allPages: true for the newest tasks of the plan.',
    ]);
  });

  it('points page by page at the rest of a plan too large for one call', () => {
    const r = result(false);
    r.summary.coverage = { complete: false, tasksRead: 5000, totalElements: 12_000 };
    const lines = renderText(r, input()).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Partial result: this call read 5,000 of 12,000 tasks of this plan (pageNum 0-1): the counts below cover those 5,000 only.',
      'Read the rest page by page, starting with list_backup_set_download_tasks with {"backupPlanId":"dbs1plan","pageSize":30,"pageNum":2,"allPages":true,"maxPages":2}, and add up the counts.',
    ]);
  });

  it('names warnings, the filters and a result with no match', () => {
    const empty = whole([], { warnings: ['page 2 failed (Throttling.User: denied)'] });
    empty.summary = { ...summariseTasks(5, [], 0), coverage: { complete: true, tasksRead: 5, totalElements: 5 } };
    empty.page = { ...empty.page, totalPages: 1, totalElements: 5 };
    const filters = input({ states: ['failed', 'paused'], window: { after: Date.UTC(2026, 10, 20), before: Date.UTC(2026, 10, 21) }, sortBy: 'finished' });
    expect(renderText(empty, filters)).toBe(
      [
        'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 0 (of pages 0-0, 30 tasks per page), 5 in total.',
        'Read 5, matched 0 (states failed/paused; created from 2026-11-20 00:00 to before 2026-11-21 00:00), listed 0, newest first by finish time, unfinished last (times UTC).',
        'Warning: page 2 failed (Throttling.User: denied)',
        'No task matches the requested (states failed/paused; created from 2026-11-20 00:00 to before 2026-11-21 00:00).',
      ].join('\n'),
    );
  });

  it('says in words that a plan has no tasks', () => {
    expect(renderText(whole([]), input()).split('\n')).toEqual([
      'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 0 (no pages, 30 tasks per page), 0 in total.',
      'Read 0, matched 0, listed 0, newest first by creation time (times UTC).',
      'Plan dbs1plan has no download tasks in region cn-hangzhou.',
    ]);
  });

  it('says when pageNum is past the last page', () => {
    const r = whole([]);
    r.page = { pageNum: 7, pageSize: 30, pagesFetched: 1, totalPages: 3, totalElements: 63, hasMore: false, nextPageNum: null };
    r.summary.coverage = { complete: false, tasksRead: 0, totalElements: 63 };
    expect(renderText(r, input({ pageNum: 7 }))).toContain('pageNum 7 is past the last page: nothing was read. Start again at pageNum 0.');
  });

  it('says how many matches the limit left out', () => {
    const r = result(false);
    r.summary = { ...r.summary, matched: 10, listed: 4 };
    expect(renderText(r, input())).toContain('(6 more matched tasks not listed: raise limit to see them)');
  });

  it('shows every field of one task, one per line', () => {
    const task = normaliseTask(raw[3]!, false);
    const r = whole([task]);
    expect(renderText(r, input({ backupPlanId: undefined, backupSetDownloadTaskId: 'dbstk4' }))).toBe(
      [
        'Download task dbstk4 (region cn-hangzhou, times UTC):',
        'Task: dbstk4',
        'Name: none',
        'State: failed (init: precheck failed, not started)',
        'Backup plan: none',
        'Database type: PostgreSQL',
        'Backup set: none',
        'Job type: none',
        'Data format: none',
        'Data size: 2.0 KiB (2048 bytes)',
        'Download way: none',
        'Target type: none',
        'Backup gateway: none',
        'Download directory: none',
        'Created: 2026-11-25 09:00:00 UTC',
        'Finished: no finish time',
        'Duration: none (not finished)',
        'Error: precheck failed: gateway offline',
        'Download URL: none (the API gave no download URL)',
      ].join('\n'),
    );
  });

  it.each([
    [
      whole([]),
      input({ backupSetDownloadTaskId: 'dbstk9' }),
      'No download task dbstk9 was found in region cn-hangzhou, plan dbs1plan: check the task id, and that the region is the one its plan lives in.',
    ],
    [
      { ...whole([]), summary: { ...whole([]).summary, fetched: 1 } },
      input({ backupPlanId: undefined, backupSetDownloadTaskId: 'dbstk9', states: ['failed'] }),
      'Download task dbstk9 (region cn-hangzhou) exists but does not match the requested (states failed).',
    ],
  ])('says when the one task asked for is not there', (r, listInput, text) => {
    expect(renderText(r, listInput)).toBe(text);
  });
});
