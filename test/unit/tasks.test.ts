import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawItem } from '../../src/dbs/page.js';
import { compareFinishedFirst, compareNewestFirst, inWindow, summariseTasks, TaskDigest } from '../../src/tools/list-backup-set-download-tasks/digest.js';
import type { SortBy } from '../../src/tools/list-backup-set-download-tasks/args.js';
import type { TimeWindow } from '../../src/tools/list-backup-set-download-tasks/time-window.js';
import {
  backupKindOf,
  FAILED_STATUSES,
  stateLabel,
  stateOf,
  STATES,
  statusMeaning,
  type DownloadTask,
  type State,
} from '../../src/tools/shared/download-task.js';
import { normaliseTask } from '../../src/tools/shared/raw-task.js';
import { isoTimeOf as toIsoTime } from '../../src/tools/shared/raw.js';

describe('stateOf: raw BackupSetDownloadStatus to state, case-insensitive, as the official SDK reference defines them', () => {
  it.each([
    ['init', 'failed'],
    ['INIT', 'failed'],
    ['checking', 'pending'],
    ['check_pass', 'pending'],
    ['schedule', 'pending'],
    ['running', 'running'],
    ['pause', 'paused'],
    ['stop', 'failed'],
    ['finish', 'succeeded'],
    ['Finish', 'succeeded'],
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

  it('counts exactly init, stop, failed, warning and caught as failed', () => {
    expect(FAILED_STATUSES).toEqual(['init', 'stop', 'failed', 'warning', 'caught']);
  });
});

describe('statusMeaning and stateLabel', () => {
  it.each([
    ['init', 'precheck failed, not started', 'failed (init: precheck failed, not started)'],
    ['stop', 'download task failed', 'failed (stop: download task failed)'],
    ['Caught', 'abnormal, counted as failed', 'failed (Caught: abnormal, counted as failed)'],
    ['warning', 'failed, reported as warning', 'failed (warning: failed, reported as warning)'],
    ['checking', 'precheck running', 'pending (checking: precheck running)'],
    ['check_pass', 'precheck passed, not started yet', 'pending (check_pass: precheck passed, not started yet)'],
    ['schedule', 'scheduled, waiting to start', 'pending (schedule: scheduled, waiting to start)'],
    ['finish', 'finished', 'succeeded (finish)'],
    ['Finish', 'finished', 'succeeded (Finish)'],
    ['pause', 'paused', 'paused (pause)'],
    ['running', 'downloading', 'running'],
    ['failed', 'failed', 'failed'],
    ['FAILED', 'failed', 'failed'],
    ['archived', null, 'unknown (archived: not a documented status)'],
    [null, null, 'unknown'],
  ] as const)('%s means %j and shows as %j', (status, meaning, label) => {
    expect(statusMeaning(status)).toBe(meaning);
    expect(stateLabel(stateOf(status), status)).toBe(label);
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
    const task = normaliseTask(
      { BackupSetDownloadTaskId: 'only', BackupSetDownloadFinishTime: 0, BackupSetDataSize: '', BackupGatewayId: 0, ErrMessage: '  ' },
      false,
    );
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

  it('compares times, not strings, past year 9999', () => {
    const far = t('far', '+010000-01-01T00:00:00.000Z');
    expect([t('near', '9999-01-01T00:00:00.000Z'), far].sort(compareNewestFirst)[0]).toBe(far);
  });
});

describe('compareFinishedFirst', () => {
  it('orders by finish time descending, unfinished last (newest created first among them)', () => {
    const tasks = [
      t('a', '2026-01-05T00:00:00.000Z', { finishedAt: null }),
      t('b', '2026-01-01T00:00:00.000Z', { finishedAt: '2026-01-03T00:00:00.000Z' }),
      t('c', '2026-01-02T00:00:00.000Z', { finishedAt: '2026-01-02T06:00:00.000Z' }),
      t('d', '2026-01-06T00:00:00.000Z', { finishedAt: null }),
    ];
    expect(tasks.sort(compareFinishedFirst).map((x) => x.taskId)).toEqual(['b', 'c', 'd', 'a']);
  });
});

describe('inWindow', () => {
  const at = (iso: string | null) => t('x', iso);
  const day: TimeWindow = { after: Date.UTC(2026, 10, 20), before: Date.UTC(2026, 10, 21) };
  it.each([
    ['2026-11-20T00:00:00.000Z', day, true],
    ['2026-11-20T23:59:59.999Z', day, true],
    ['2026-11-21T00:00:00.000Z', day, false],
    ['2026-11-19T23:59:59.999Z', day, false],
    [null, day, false],
    [null, { after: null, before: null }, true],
    ['2026-11-19T00:00:00.000Z', { after: null, before: Date.UTC(2026, 10, 20) }, true],
    ['2026-11-19T00:00:00.000Z', { after: Date.UTC(2026, 10, 20), before: null }, false],
  ] as const)('%s in %j: %s', (iso, window, inside) => {
    expect(inWindow(at(iso), window)).toBe(inside);
  });
});

describe('summariseTasks', () => {
  it('counts states, sizes, database types, statuses, the time range and failures over the matched tasks', () => {
    const matched = [
      t('a', '2026-03-01T00:00:00.000Z', { status: 'finish', state: 'succeeded', dataSizeBytes: 100, dbType: 'MySQL' }),
      t('b', '2026-02-01T00:00:00.000Z', { status: 'failed', state: 'failed', dataSizeBytes: null, errorMessage: 'disk full', taskName: 'n', dbType: 'MySQL' }),
      t('c', null, { status: 'Caught', state: 'failed', dataSizeBytes: 50 }),
      t('d', '2026-01-01T00:00:00.000Z', { status: 'archived', state: 'unknown', dbType: 'PostgreSQL' }),
    ];
    expect(summariseTasks(9, matched, 2)).toEqual({
      fetched: 9,
      matched: 4,
      listed: 2,
      byState: { pending: 0, running: 0, paused: 0, succeeded: 1, failed: 2, unknown: 1 },
      dataSizeBytesByState: { pending: 0, running: 0, paused: 0, succeeded: 100, failed: 50, unknown: 0 },
      byDbType: { MySQL: 2, '(none)': 1, PostgreSQL: 1 },
      failureReasons: [
        { reason: 'disk full', count: 1, taskIds: ['b'] },
        { reason: 'no error message', count: 1, taskIds: ['c'] },
      ],
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

  it('groups failures by exact message, most frequent first, with at most 20 newest task ids each', () => {
    const failed = (id: string, day: number, errorMessage: string | null) =>
      t(id, `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`, { status: 'stop', state: 'failed', errorMessage });
    const matched = [
      failed('a1', 1, 'gateway offline'),
      failed('b1', 2, 'disk full'),
      failed('a2', 3, 'gateway offline'),
      failed('n1', 4, null),
      failed('b2', 5, 'disk full'),
      failed('a3', 6, 'gateway offline'),
      failed('c1', 7, 'Disk full'),
      ...Array.from({ length: 25 }, (_, i) => failed(`z${String(i).padStart(2, '0')}`, 10 + (i % 15), 'zz many')),
    ];
    const reasons = summariseTasks(matched.length, matched, 0).failureReasons;
    expect(reasons.map((r) => [r.reason, r.count])).toEqual([
      ['zz many', 25],
      ['gateway offline', 3],
      ['disk full', 2],
      ['Disk full', 1],
      ['no error message', 1],
    ]);
    expect(reasons[1]!.taskIds).toEqual(['a3', 'a2', 'a1']);
    expect(reasons[0]!.taskIds).toHaveLength(20);
  });

  it('lists failed tasks newest by finish time when sorted by finish time', () => {
    const matched = [
      t('early-finish', '2026-01-05T00:00:00.000Z', { state: 'failed', finishedAt: '2026-01-05T01:00:00.000Z' }),
      t('late-finish', '2026-01-01T00:00:00.000Z', { state: 'failed', finishedAt: '2026-01-06T00:00:00.000Z' }),
    ];
    const order = (sortBy: SortBy) => summariseTasks(2, matched, 0, sortBy).failedTasks.map((f) => f.taskId);
    expect(order('created')).toEqual(['early-finish', 'late-finish']);
    expect(order('finished')).toEqual(['late-finish', 'early-finish']);
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
function everyTaskAtOnce(pages: RawItem[][], states: State[], window: TimeWindow, sortBy: SortBy, limit: number) {
  const seen = new Set<string>();
  const tasks = pages
    .flat()
    .map((raw) => normaliseTask(raw, false))
    .filter((task) => {
      if (task.taskId === null) return true;
      if (seen.has(task.taskId)) return false;
      seen.add(task.taskId);
      return true;
    });
  const matched = tasks
    .filter((task) => (states.length === 0 || states.includes(task.state)) && inWindow(task, window))
    .sort(sortBy === 'created' ? compareNewestFirst : compareFinishedFirst);
  return { counts: summariseTasks(tasks.length, matched, Math.min(limit, matched.length), sortBy), tasks: matched.slice(0, limit) };
}

const NO_WINDOW: TimeWindow = { after: null, before: null };

describe('TaskDigest', () => {
  const rawTask = fc.record({
    BackupSetDownloadTaskId: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), { nil: undefined }),
    BackupSetDownloadStatus: fc.constantFrom('finish', 'failed', 'Caught', 'running', 'init', 'archived'),
    BackupSetDownloadCreateTime: fc.option(
      fc.integer({ min: 1, max: 5 }).map((h) => Date.UTC(2026, 0, 1, h)),
      { nil: undefined },
    ),
    BackupSetDownloadFinishTime: fc.option(
      fc.integer({ min: 6, max: 9 }).map((h) => Date.UTC(2026, 0, 1, h)),
      { nil: undefined },
    ),
    BackupSetDataSize: fc.nat(1000),
    BackupSetDbType: fc.constantFrom('MySQL', 'PostgreSQL', undefined),
    ErrMessage: fc.constantFrom('', 'disk full', 'gateway offline'),
  });
  const hour = fc.option(
    fc.integer({ min: 0, max: 6 }).map((h) => Date.UTC(2026, 0, 1, h)),
    { nil: null },
  );

  it('gives the same summary and newest tasks as sorting every task at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(rawTask, { maxLength: 30 }), { maxLength: 6 }),
        fc.subarray([...STATES]),
        fc.record({ after: hour, before: hour }),
        fc.constantFrom<SortBy>('created', 'finished'),
        fc.integer({ min: 1, max: 12 }),
        (pages, states, window, sortBy, limit) => {
          const digest = new TaskDigest({ states, window, sortBy, limit, includeUrls: false });
          for (const page of pages) digest.add(page);
          expect(digest.result()).toEqual(everyTaskAtOnce(pages, states, window, sortBy, limit));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the first copy of a task that shows up on a later page', () => {
    const digest = new TaskDigest({ states: [], window: NO_WINDOW, sortBy: 'created', limit: 10, includeUrls: false });
    digest.add([{ BackupSetDownloadTaskId: 'x', BackupSetDownloadStatus: 'running' }]);
    digest.add([{ BackupSetDownloadTaskId: 'x', BackupSetDownloadStatus: 'finish' }, { BackupSetDownloadTaskId: 'y' }]);
    const { counts: summary, tasks } = digest.result();
    expect(summary).toMatchObject({ fetched: 2, matched: 2, listed: 2 });
    expect(tasks.find((t) => t.taskId === 'x')?.status).toBe('running');
  });

  it('lists the 50 newest failed tasks of many, newest first', () => {
    const digest = new TaskDigest({ states: ['failed'], window: NO_WINDOW, sortBy: 'created', limit: 5, includeUrls: false });
    const raw = Array.from({ length: 300 }, (_, i) => ({
      BackupSetDownloadTaskId: `t${String(i).padStart(3, '0')}`,
      BackupSetDownloadStatus: 'failed',
      BackupSetDownloadCreateTime: Date.UTC(2026, 0, 1) + ((i * 7919) % 300) * 60_000,
    }));
    for (let i = 0; i < raw.length; i += 100) digest.add(raw.slice(i, i + 100));
    const { counts: summary, tasks } = digest.result();
    const newest = [...raw].sort((a, b) => b.BackupSetDownloadCreateTime - a.BackupSetDownloadCreateTime).map((r) => r.BackupSetDownloadTaskId);
    expect(summary.failedTasks.map((f) => f.taskId)).toEqual(newest.slice(0, 50));
    expect(tasks.map((t) => t.taskId)).toEqual(newest.slice(0, 5));
    expect(summary).toMatchObject({ fetched: 300, matched: 300, listed: 5 });
  });
});
