import { describe, expect, it } from 'vitest';
import { nextArgumentsOf, wholePlanArgumentsOf, type ListInput } from '../../src/tools/list-backup-set-download-tasks/args.js';
import { comparatorFor, digestOptionsOf, matchesFilters, summariseTasks, TaskDigest } from '../../src/tools/list-backup-set-download-tasks/digest.js';
import { renderText, taskTableLines } from '../../src/tools/list-backup-set-download-tasks/render.js';
import type { ListResult } from '../../src/tools/list-backup-set-download-tasks/schema.js';
import { inputSchema, toListInput } from '../../src/tools/list-backup-set-download-tasks/tool.js';
import type { DownloadTask } from '../../src/tools/shared/download-task.js';
import { ToolError } from '../../src/tools/shared/errors.js';
import { normaliseTask } from '../../src/tools/shared/raw-task.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NO_WINDOW = { after: null, before: null };

/** A raw task created `createdHoursAgo` before NOW that took `tookHours` (unfinished when null). */
function raw(id: string, status: string, createdHoursAgo: number, tookHours: number | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const created = NOW - createdHoursAgo * HOUR;
  return {
    BackupSetDownloadTaskId: id,
    BackupSetDownloadStatus: status,
    BackupSetDownloadCreateTime: created,
    BackupSetDownloadFinishTime: tookHours === null ? 0 : created + tookHours * HOUR,
    BackupSetDbType: 'MySQL',
    BackupSetDataFormat: 'Native',
    ...extra,
  };
}

// NOW is 2026-11-28 12:00 UTC; "yesterday" is 2026-11-27.
const RAW = [
  raw('a', 'finish', 30, 2, { BackupSetDataSize: 500 }), // created 11-27 06:00, finished 11-27 08:00
  raw('b', 'stop', 20, 1, { BackupSetDataSize: 9000 }), // created 11-27 16:00, finished 11-27 17:00
  raw('c', 'finish', 50, 1, { BackupSetDataSize: 100 }), // created 11-26 10:00, finished 11-26 11:00
  raw('d', 'running', 5, null, { BackupSetDataSize: 70_000 }), // created 11-28 07:00, not finished
  raw('e', 'finish', 34, 5), // created 11-27 02:00, finished 11-27 07:00, no size
  raw('f', 'pause', 10, null), // created 11-28 02:00, not finished, no size
];
const TASKS: DownloadTask[] = RAW.map((r) => normaliseTask(r, false));
const byId = (id: string): DownloadTask => TASKS.find((t) => t.taskId === id)!;

const listInput = (over: Partial<ListInput> = {}): ListInput => ({
  backupPlanId: 'dbs1plan',
  pageSize: 100,
  pageNum: 0,
  allPages: true,
  maxPages: 50,
  states: [],
  window: NO_WINDOW,
  finishedWindow: NO_WINDOW,
  sortBy: 'created',
  limit: 100,
  includeUrls: false,
  ...over,
});

describe('sortBy duration and size', () => {
  it('puts the longest and the largest first, tasks without the value last (newest created first among them)', () => {
    const sorted = (sortBy: ListInput['sortBy']) => [...TASKS].sort(comparatorFor(sortBy)).map((t) => t.taskId);
    // Durations: e 5h, a 2h, b 1h, c 1h (b created later than c), d and f unfinished (f created before d).
    expect(sorted('duration')).toEqual(['e', 'a', 'b', 'c', 'd', 'f']);
    // Sizes: d 70,000, b 9,000, a 500, c 100; e and f have none (f created 10h ago, e 14h ago).
    expect(sorted('size')).toEqual(['d', 'b', 'a', 'c', 'f', 'e']);
  });

  it('lists the largest `limit` of a digest, whatever the page order', () => {
    const digest = new TaskDigest({ ...digestOptionsOf(listInput({ sortBy: 'size', limit: 2 })) });
    digest.add(RAW.slice(3));
    digest.add(RAW.slice(0, 3));
    const { tasks, counts } = digest.result();
    expect(tasks.map((t) => t.taskId)).toEqual(['d', 'b']);
    expect(counts.matched).toBe(6);
  });
});

describe('finish-time windows', () => {
  const yesterday = { after: Date.UTC(2026, 10, 27), before: Date.UTC(2026, 10, 28) };

  it('keeps tasks finished in the window and leaves out unfinished ones once a bound is given', () => {
    const kept = TASKS.filter((t) => matchesFilters(t, { states: [], window: NO_WINDOW, finishedWindow: yesterday })).map((t) => t.taskId);
    expect(kept.sort()).toEqual(['a', 'b', 'e']);
    const afterOnly = TASKS.filter((t) =>
      matchesFilters(t, { states: [], window: NO_WINDOW, finishedWindow: { after: Date.UTC(2026, 10, 26), before: null } }),
    );
    expect(afterOnly.map((t) => t.taskId).sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(TASKS.filter((t) => matchesFilters(t, { states: [], window: NO_WINDOW })).length).toBe(6);
  });

  it('combines with states and the creation window, and the summary counts only what matched', () => {
    const options = { states: ['succeeded' as const], window: { after: NOW - 40 * HOUR, before: null }, finishedWindow: yesterday };
    const digest = new TaskDigest({ ...options, sortBy: 'created', limit: 10, includeUrls: false });
    digest.add(RAW);
    const { counts, tasks } = digest.result();
    expect(tasks.map((t) => t.taskId)).toEqual(['a', 'e']);
    expect(counts).toMatchObject({ fetched: 6, matched: 2, byState: { succeeded: 2, failed: 0 } });
  });

  it('takes today and yesterday in every time field, resolved at the moment of the call', () => {
    const input = toListInput(inputSchema.parse({ backupPlanId: 'p', finishedAfter: 'yesterday', finishedBefore: 'today', createdAfter: '7d' }), NOW);
    expect(input.finishedWindow).toEqual(yesterday);
    expect(input.window).toEqual({ after: NOW - 7 * 24 * HOUR, before: null });
    const created = toListInput(inputSchema.parse({ backupPlanId: 'p', createdAfter: 'yesterday', createdBefore: 'today' }), NOW);
    expect(created.window).toEqual(yesterday);
    expect(created.finishedWindow).toEqual(NO_WINDOW);
  });

  it('refuses an empty finish window and an unreadable finish time', () => {
    const refuse = (args: Record<string, unknown>) => () => toListInput(inputSchema.parse({ backupPlanId: 'p', ...args }), NOW);
    expect(refuse({ finishedAfter: 'today', finishedBefore: 'today' })).toThrow(ToolError);
    expect(refuse({ finishedAfter: 'today', finishedBefore: 'today' })).toThrow('finishedAfter must be earlier than finishedBefore');
    expect(refuse({ finishedAfter: 'last tuesday' })).toThrow('finishedAfter "last tuesday" is not');
  });

  it('carries the resolved instants into the next-call and whole-plan arguments, never the words', () => {
    const input = listInput({
      finishedWindow: yesterday,
      window: { after: Date.UTC(2026, 10, 21), before: null },
      sortBy: 'duration',
      allPages: false,
      pageSize: 30,
    });
    expect(nextArgumentsOf(input, 1)).toEqual({
      backupPlanId: 'dbs1plan',
      pageSize: 30,
      pageNum: 1,
      createdAfter: '2026-11-21T00:00:00.000Z',
      finishedAfter: '2026-11-27T00:00:00.000Z',
      finishedBefore: '2026-11-28T00:00:00.000Z',
      sortBy: 'duration',
    });
    expect(wholePlanArgumentsOf(input, 80)).toMatchObject({
      finishedAfter: '2026-11-27T00:00:00.000Z',
      finishedBefore: '2026-11-28T00:00:00.000Z',
      sortBy: 'duration',
    });
  });
});

function wholeResult(tasks: DownloadTask[]): ListResult {
  return {
    request: { regionId: 'cn-hangzhou', endpoint: 'dbs-api.cn-hangzhou.aliyuncs.com', requestIds: ['R1'] },
    page: { pageNum: 0, pageSize: 100, pagesFetched: 1, totalPages: 1, totalElements: tasks.length, hasMore: false, nextPageNum: null },
    summary: { ...summariseTasks(tasks.length, tasks, tasks.length), coverage: { complete: true, tasksRead: tasks.length, totalElements: tasks.length } },
    tasks,
    warnings: [],
    nextArguments: null,
  };
}

describe('the text of a filtered list', () => {
  it('says the finish window and the order in words in the header', () => {
    const tasks = [byId('e'), byId('a'), byId('b')];
    const text = renderText(
      wholeResult(tasks),
      listInput({ finishedWindow: { after: Date.UTC(2026, 10, 27), before: Date.UTC(2026, 10, 28) }, sortBy: 'duration' }),
    );
    expect(text.split('\n')[1]).toBe(
      'Read 3, matched 3 (finished from 2026-11-27 00:00 to before 2026-11-28 00:00), listed 3, longest first by duration, unfinished last (times UTC).',
    );
    const bySize = renderText(wholeResult(tasks), listInput({ window: { after: Date.UTC(2026, 10, 26), before: null }, sortBy: 'size' }));
    expect(bySize.split('\n')[1]).toBe(
      'Read 3, matched 3 (created at or after 2026-11-26 00:00), listed 3, largest first by size, tasks without a size last (times UTC).',
    );
  });

  it('moves a column with one value on every row above the table, and keeps it when the rows differ', () => {
    const same = taskTableLines([byId('a'), byId('b'), byId('d')]);
    expect(same).toEqual([
      'Every listed task: db MySQL, format Native.',
      'id | name | state | size | created | finished | took',
      'a | - | succeeded | 500 B | 2026-11-27 06:00 | 2026-11-27 08:00 | 2h 00m 00s',
      'b | - | failed (stop) | 8.8 KiB | 2026-11-27 16:00 | 2026-11-27 17:00 | 1h 00m 00s',
      'd | - | running | 68.4 KiB | 2026-11-28 07:00 | - | -',
    ]);
    const mixed = taskTableLines([
      byId('a'),
      normaliseTask(raw('g', 'check_pass', 1, null, { BackupSetDbType: 'PostgreSQL', BackupSetDataFormat: 'Native' }), false),
    ]);
    expect(mixed).toEqual([
      'Every listed task: format Native.',
      'id | name | state | db | size | created | finished | took',
      'a | - | succeeded | MySQL | 500 B | 2026-11-27 06:00 | 2026-11-27 08:00 | 2h 00m 00s',
      'g | - | pending (check_pass) | PostgreSQL | - | 2026-11-28 11:00 | - | -',
    ]);
  });

  it('keeps every column for a single row, and shows the raw status only where it adds to the state', () => {
    expect(taskTableLines([byId('f')])).toEqual([
      'id | name | state | db | format | size | created | finished | took',
      'f | - | paused | MySQL | Native | - | 2026-11-28 02:00 | - | -',
    ]);
    const unlike = ['finish', 'Finish', 'pause', 'stop', 'init', 'check_pass', 'FAILED'].map((status, i) =>
      normaliseTask(raw(`s${i}`, status, i + 1, null, { BackupSetDbType: `db${i}` }), false),
    );
    const states = taskTableLines(unlike)
      .slice(2)
      .map((line) => line.split(' | ')[2]);
    expect(states).toEqual(['succeeded', 'succeeded', 'paused', 'failed (stop)', 'failed (init)', 'pending (check_pass)', 'failed']);
  });
});
