import { describe, expect, it } from 'vitest';
import type { ListResult } from '../../src/list.js';
import { humanSize, renderText, shortTime } from '../../src/render.js';
import { normaliseTask, summariseTasks } from '../../src/tasks.js';

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
    BackupSetDataFormat: 'CSV',
    BackupSetDownloadCreateTime: Date.UTC(2026, 10, 26, 9, 0),
    ErrMessage: 'java.lang.IndexOutOfBoundsException\n at x',
  },
  { BackupSetDownloadTaskId: 'dbstk3', BackupSetDownloadStatus: 'archived' },
];

function result(includeUrls: boolean, over: Partial<ListResult> = {}): ListResult {
  const tasks = raw.map((r) => normaliseTask(r, includeUrls));
  return {
    request: { regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['R1', 'R2'] },
    page: { pageNum: 0, pageSize: 30, pagesFetched: 2, totalPages: 3, totalElements: 63, hasMore: true, nextPageNum: 2 },
    summary: summariseTasks(3, tasks, 3),
    tasks,
    warnings: [],
    nextArguments: { backupPlanId: 'dbs1plan', pageSize: 30, pageNum: 2, allPages: true, maxPages: 2 },
    ...over,
  };
}

describe('renderText', () => {
  it('writes header, counts, failures, the table and the next call', () => {
    expect(renderText(result(false), { backupPlanId: 'dbs1plan', states: [] })).toBe(
      [
        'Backup set download tasks for plan dbs1plan, region cn-hangzhou: pageNum 0-1 (of pages 0-2, 30 tasks per page), 63 in total.',
        'Fetched 3, matched 3, listed 3 (newest first, times UTC).',
        'By state: succeeded 1, failed 1, unknown 1 (unrecognised statuses: archived).',
        'Total size 1.5 KiB; created 2026-11-26 09:00 to 2026-11-27 10:00.',
        'Failed tasks: 1',
        '- dbstk2 weekly [Caught]: java.lang.IndexOutOfBoundsException at x',
        'id | name | state | format | size | created | finished',
        'dbstk1 | nightly / full | succeeded | SQL | 1.5 KiB | 2026-11-27 10:00 | 2026-11-27 10:05',
        'dbstk2 | weekly | failed | CSV | - | 2026-11-26 09:00 | -',
        'dbstk3 | - | unknown(archived) | - | - | - | -',
        'Download URLs exist for some tasks; they are omitted unless includeUrls is true.',
        'More pages: call list_backup_set_download_tasks with {"backupPlanId":"dbs1plan","pageSize":30,"pageNum":2,"allPages":true,"maxPages":2}',
      ].join('\n'),
    );
  });

  it('never shows a URL unless includeUrls asked for it', () => {
    expect(renderText(result(false), { backupPlanId: 'dbs1plan', states: [] })).not.toContain('https://');
    const withUrls = renderText(result(true), { backupPlanId: 'dbs1plan', states: [] });
    expect(withUrls).toContain('- dbstk1: internet https://dl.example.com/a?Signature=xyz');
  });

  it('names warnings, the state filter and an empty result', () => {
    const empty = result(false, {
      tasks: [],
      summary: summariseTasks(5, [], 0),
      warnings: ['page 2 failed (Throttling.User: denied)'],
      nextArguments: null,
      page: { pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages: 1, totalElements: 5, hasMore: false, nextPageNum: null },
    });
    expect(renderText(empty, { backupSetDownloadTaskId: 'dbstk9', states: ['failed', 'paused'] })).toBe(
      [
        'Backup set download tasks for task dbstk9, region cn-hangzhou: pageNum 0 (of pages 0-0, 30 tasks per page), 5 in total.',
        'Fetched 5, matched 0 in states failed/paused, listed 0 (newest first, times UTC).',
        'Warning: page 2 failed (Throttling.User: denied)',
        'No task matches the requested states.',
      ].join('\n'),
    );
  });

  it.each([
    [0, 'pageNum 0 (no pages, 30 tasks per page), 0 in total.'],
    [null, 'pageNum 0 (30 tasks per page), 0 in total.'],
  ])('names the page position when the API reports %j pages', (totalPages, position) => {
    const r = result(false, { tasks: [], summary: summariseTasks(0, [], 0), nextArguments: null });
    r.page = { pageNum: 0, pageSize: 30, pagesFetched: 1, totalPages, totalElements: 0, hasMore: false, nextPageNum: null };
    expect(renderText(r, { backupPlanId: 'p', states: [] }).split('\n')[0]).toBe(`Backup set download tasks for plan p, region cn-hangzhou: ${position}`);
  });

  it('says how many matches the limit left out', () => {
    const r = result(false);
    r.summary = { ...r.summary, matched: 10, listed: 3 };
    expect(renderText(r, { backupPlanId: 'p', states: [] })).toContain('(7 more matched tasks not listed: raise limit to see them)');
  });
});
