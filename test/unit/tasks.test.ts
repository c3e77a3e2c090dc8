import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawTask } from '../../src/dbs/page.js';
import {
  backupKindOf,
  compareNewestFirst,
  normaliseTask,
  stateOf,
  STATES,
  summariseTasks,
  TaskDigest,
  toIsoTime,
  type DownloadTask,
  type State,
} from '../../src/tasks.js';

describe('stateOf: raw BackupSetDownloadStatus to state, case-insensitive', () => {
  it.each([
    ['checking', 'pending'],
    ['check_pass', 'pending'],
    ['schedule', 'pending'],
    ['running', 'running'],
    ['pause', 'paused'],
    ['finish', 'succeeded'],
    ['Finish', 'succeeded'],
    ['init', 'failed'],
    ['stop', 'failed'],
    ['failed', 'failed'],
    ['warning', 'failed'],
    ['caught', 'failed'],
    ['Caught', 'failed'],
    ['FAILED', 'failed'],
    ['archived', 'unknown'],
    [null, 'unknown'],
  ] as const)('%s -> %s', (status, state) => {
    expect(stateOf(status)).toBe(state);
  });
});

describe('toIsoTime', () => {
  it.each([
    [1554560477000, '2019-04-06T14:21:17.000Z'],
    ['1554560477000', '2019-04-06T14:21:17.000Z'],
    [1554560477, '2019-04-06T14:21:17.000Z'],
    [0, null],
    ['', null],
    [undefined, null],
    [null, null],
    ['soon', null],
    [-5, null],
    [Number.NaN, null],
  ])('%j -> %j', (value, expected) => {
    expect(toIsoTime(value)).toBe(expected);
  });
});

describe('backupKindOf', () => {
  it.each([
    ['cbs_backup_sub_full', 'full'],
    ['cbs_backup_sub_cont', 'incremental'],
    ['CBS_BACKUP_SUB_FULL', 'full'],
    ['physical_incr', 'incremental'],
    ['something_else', null],
    [null, null],
  ] as const)('%s -> %s', (jobType, kind) => {
    expect(backupKindOf(jobType)).toBe(kind);
  });
});

const FULL_RAW = {
  BackupGatewayId: '9223372036854775807',
  BackupPlanId: 'dbs1hvb0wxxxxxx',
  BackupSetCode: 'UTF_8',
  BackupSetDataFormat: 'SQL',
  BackupSetDataSize: 213,
  BackupSetDbType: 'MySQL',
  BackupSetDownloadCreateTime: 1554560477000,
  BackupSetDownloadDir: 'test',
  BackupSetDownloadFinishTime: 1554560537000,
  BackupSetDownloadInternetUrl: 'https://x.oss.aliyuncs.com/a?Signature=secret',
  BackupSetDownloadIntranetUrl: '',
  BackupSetDownloadStatus: 'finish',
  BackupSetDownloadTargetType: 'agent',
  BackupSetDownloadTaskId: 'dbstooi01exxxxx',
  BackupSetDownloadTaskName: 'nightly',
  BackupSetDownloadWay: 'manual',
  BackupSetId: 'dbsxxxxxx',
  BackupSetJobType: 'cbs_backup_sub_full',
  ErrMessage: '',
};

describe('normaliseTask', () => {
  it('maps every field of a complete task', () => {
    expect(normaliseTask(FULL_RAW, false)).toEqual({
      taskId: 'dbstooi01exxxxx',
      taskName: 'nightly',
      backupPlanId: 'dbs1hvb0wxxxxxx',
      backupSetId: 'dbsxxxxxx',
      backupSetCode: 'UTF_8',
      dbType: 'MySQL',
      dataFormat: 'SQL',
      dataSizeBytes: 213,
      jobType: 'cbs_backup_sub_full',
      backupKind: 'full',
      downloadWay: 'manual',
      targetType: 'agent',
      gatewayId: '9223372036854775807',
      downloadDir: 'test',
      status: 'finish',
      state: 'succeeded',
      createdAt: '2019-04-06T14:21:17.000Z',
      finishedAt: '2019-04-06T14:22:17.000Z',
      durationSeconds: 60,
      errorMessage: null,
      hasDownloadUrl: true,
    });
  });

  it('adds URLs only when asked', () => {
    const task = normaliseTask(FULL_RAW, true);
    expect(task.internetUrl).toBe('https://x.oss.aliyuncs.com/a?Signature=secret');
    expect(task.intranetUrl).toBeNull();
    expect('internetUrl' in normaliseTask(FULL_RAW, false)).toBe(false);
  });

  it('turns missing, empty and zero values into null, never "undefined" or NaN', () => {
    const task = normaliseTask({ BackupSetDownloadTaskId: 'only', BackupSetDownloadFinishTime: 0, BackupSetDataSize: '', BackupGatewayId: 0, ErrMessage: '  ' }, false);
    expect(task).toEqual({
      taskId: 'only',
      taskName: null,
      backupPlanId: null,
      backupSetId: null,
      backupSetCode: null,
      dbType: null,
      dataFormat: null,
      dataSizeBytes: null,
      jobType: null,
      backupKind: null,
      downloadWay: null,
      targetType: null,
      gatewayId: null,
      downloadDir: null,
      status: null,
      state: 'unknown',
      createdAt: null,
      finishedAt: null,
      durationSeconds: null,
      errorMessage: null,
      hasDownloadUrl: false,
    });
    expect(JSON.stringify(task)).not.toMatch(/undefined|NaN/);
  });

  it('keeps the error message of a failed task, with signed URLs redacted', () => {
    const task = normaliseTask({ BackupSetDownloadStatus: 'Caught', ErrMessage: 'upload to https://b/x?Signature=abc failed' }, false);
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe('upload to https://b/x?*** failed');
  });

  it('gives no duration when the finish precedes the start', () => {
    expect(normaliseTask({ BackupSetDownloadCreateTime: 2000000000000, BackupSetDownloadFinishTime: 1000000000000 }, false).durationSeconds).toBeNull();
  });
});

function t(taskId: string, createdAt: string | null, extra: Partial<DownloadTask> = {}): DownloadTask {
  return { ...normaliseTask({ BackupSetDownloadTaskId: taskId }, false), createdAt, ...extra };
}

describe('compareNewestFirst', () => {
  it('orders by creation time descending, then id, with undated tasks last', () => {
    const tasks = [t('b', '2026-01-01T00:00:00.000Z'), t('z', null), t('a', '2026-01-01T00:00:00.000Z'), t('c', '2026-02-01T00:00:00.000Z')];
    expect(tasks.sort(compareNewestFirst).map((x) => x.taskId)).toEqual(['c', 'a', 'b', 'z']);
  });
});

describe('summariseTasks', () => {
  it('counts states, statuses, sizes, the time range and failures over the matched tasks', () => {
    const matched = [
      t('a', '2026-03-01T00:00:00.000Z', { status: 'finish', state: 'succeeded', dataSizeBytes: 100 }),
      t('b', '2026-02-01T00:00:00.000Z', { status: 'failed', state: 'failed', dataSizeBytes: null, errorMessage: 'disk full', taskName: 'n' }),
      t('c', null, { status: 'Caught', state: 'failed', dataSizeBytes: 50 }),
      t('d', '2026-01-01T00:00:00.000Z', { status: 'archived', state: 'unknown' }),
    ];
    expect(summariseTasks(9, matched, 2)).toEqual({
      fetched: 9,
      matched: 4,
      listed: 2,
      byState: { pending: 0, running: 0, paused: 0, stopped: 0, succeeded: 1, failed: 2, unknown: 1 },
      byStatus: { finish: 1, failed: 1, Caught: 1, archived: 1 },
      totalDataSizeBytes: 150,
      newestCreatedAt: '2026-03-01T00:00:00.000Z',
      oldestCreatedAt: '2026-01-01T00:00:00.000Z',
      failedTasks: [
        { taskId: 'b', taskName: 'n', status: 'failed', errorMessage: 'disk full' },
        { taskId: 'c', taskName: null, status: 'Caught', errorMessage: null },
      ],
    });
  });

  it('lists at most 50 failed tasks', () => {
    const matched = Array.from({ length: 60 }, (_, i) => t(`f${i}`, null, { status: 'failed', state: 'failed' }));
    const summary = summariseTasks(60, matched, 10);
    expect(summary.failedTasks).toHaveLength(50);
    expect(summary.byState.failed).toBe(60);
  });

  it('is all zeros and nulls for no tasks', () => {
    const summary = summariseTasks(0, [], 0);
    expect(summary.newestCreatedAt).toBeNull();
    expect(summary.totalDataSizeBytes).toBe(0);
    expect(Object.values(summary.byState).every((n) => n === 0)).toBe(true);
  });
});

/** What the digest must equal: normalise every task, drop repeated ids, filter, sort, cut. */
function everyTaskAtOnce(pages: RawTask[][], states: State[], limit: number) {
  const seen = new Set<string>();
  const tasks = pages.flat().map((raw) => normaliseTask(raw, false)).filter((task) => {
    if (task.taskId === null) return true;
    if (seen.has(task.taskId)) return false;
    seen.add(task.taskId);
    return true;
  });
  const matched = tasks.filter((task) => states.length === 0 || states.includes(task.state)).sort(compareNewestFirst);
  return { summary: summariseTasks(tasks.length, matched, Math.min(limit, matched.length)), tasks: matched.slice(0, limit) };
}

describe('TaskDigest', () => {
  const rawTask = fc.record({
    BackupSetDownloadTaskId: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), { nil: undefined }),
    BackupSetDownloadStatus: fc.constantFrom('finish', 'failed', 'Caught', 'running', 'init', 'archived'),
    BackupSetDownloadCreateTime: fc.option(fc.integer({ min: 1, max: 5 }).map((h) => Date.UTC(2026, 0, 1, h)), { nil: undefined }),
    BackupSetDataSize: fc.nat(1000),
  });

  it('gives the same summary and newest tasks as sorting every task at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(rawTask, { maxLength: 30 }), { maxLength: 6 }),
        fc.subarray([...STATES]),
        fc.integer({ min: 1, max: 12 }),
        (pages, states, limit) => {
          const digest = new TaskDigest({ states, limit, includeUrls: false });
          for (const page of pages) digest.add(page);
          expect(digest.result()).toEqual(everyTaskAtOnce(pages, states, limit));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the first copy of a task that shows up on a later page', () => {
    const digest = new TaskDigest({ states: [], limit: 10, includeUrls: false });
    digest.add([{ BackupSetDownloadTaskId: 'x', BackupSetDownloadStatus: 'running' }]);
    digest.add([{ BackupSetDownloadTaskId: 'x', BackupSetDownloadStatus: 'finish' }, { BackupSetDownloadTaskId: 'y' }]);
    const { summary, tasks } = digest.result();
    expect(summary).toMatchObject({ fetched: 2, matched: 2, listed: 2 });
    expect(tasks.find((t) => t.taskId === 'x')?.status).toBe('running');
  });

  it('lists the 50 newest failed tasks of many, newest first', () => {
    const digest = new TaskDigest({ states: ['failed'], limit: 5, includeUrls: false });
    const raw = Array.from({ length: 300 }, (_, i) => ({
      BackupSetDownloadTaskId: `t${String(i).padStart(3, '0')}`,
      BackupSetDownloadStatus: 'failed',
      BackupSetDownloadCreateTime: Date.UTC(2026, 0, 1) + ((i * 7919) % 300) * 60_000,
    }));
    for (let i = 0; i < raw.length; i += 100) digest.add(raw.slice(i, i + 100));
    const { summary, tasks } = digest.result();
    const newest = [...raw].sort((a, b) => b.BackupSetDownloadCreateTime - a.BackupSetDownloadCreateTime).map((r) => r.BackupSetDownloadTaskId);
    expect(summary.failedTasks.map((f) => f.taskId)).toEqual(newest.slice(0, 50));
    expect(tasks.map((t) => t.taskId)).toEqual(newest.slice(0, 5));
    expect(summary).toMatchObject({ fetched: 300, matched: 300, listed: 5 });
  });
});
