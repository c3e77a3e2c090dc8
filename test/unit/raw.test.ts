/** The one set of raw-field readers that tasks and plans share, and the one newest-first order. */
import { describe, expect, it } from 'vitest';
import { stateLabel } from '../../src/tools/shared/download-task.js';
import { normalisePlan } from '../../src/tools/list-backup-plans/plans.js';
import { bool, epochMs, isoTimeOf, newestFirst, numeric, text, urlText } from '../../src/tools/shared/raw.js';
import { normaliseTask } from '../../src/tools/shared/raw-task.js';

describe('raw-field readers', () => {
  it.each([
    [1764000000, 1764000000000],
    ['1764000000', 1764000000000],
    [1764000000123, 1764000000123],
    [99_999_999_999, 99_999_999_999_000],
    [100_000_000_000, 100_000_000_000],
    [0, null],
    ['', null],
    [-5, null],
    [9e15, null],
    ['soon', null],
  ])('epochMs(%j) is %j: below 1e11 a value can only be seconds', (value, ms) => {
    expect(epochMs(value)).toBe(ms);
  });

  it('reads text trimmed, numbers and bigints as text, and takes signed URL values out of it', () => {
    expect(text('  stop  ')).toBe('stop');
    expect(text('   ')).toBeNull();
    expect(text(42)).toBe('42');
    expect(text(12345678901234567890n)).toBe('12345678901234567890');
    expect(text({})).toBeNull();
    expect(text('see https://oss.example/a.tar?Signature=abc&Expires=1')).toBe('see https://oss.example/a.tar?***');
    // Download URLs keep their signed query: they are what includeUrls asks for.
    expect(urlText(' https://oss.example/a.tar?Signature=abc ')).toBe('https://oss.example/a.tar?Signature=abc');
  });

  it('reads numbers and booleans as the API spells them', () => {
    expect([numeric('7'), numeric(' '), numeric('x'), numeric(7.5)]).toEqual([7, null, null, 7.5]);
    expect([bool(true), bool('false'), bool('yes'), bool(1)]).toEqual([true, false, null, null]);
  });

  it('gives plans and tasks the same time rule', () => {
    const plan = normalisePlan({ BackupPlanId: 'p1', BackupPlanCreateTime: 1764000000, BeginTimestampForRestore: '1764000000000' }, false, 'cn-hangzhou');
    const task = normaliseTask({ BackupSetDownloadTaskId: 't1', BackupSetDownloadCreateTime: 1764000000 }, false);
    expect(plan.createdAt).toBe('2025-11-24T16:00:00.000Z');
    expect(plan.restorableFrom).toBe('2025-11-24T16:00:00.000Z');
    expect(task.createdAt).toBe(plan.createdAt);
    expect(isoTimeOf(1764000000)).toBe(plan.createdAt);
  });

  it('redacts every text field of a task, as of a plan', () => {
    const signed = 'https://oss.example/b.tar?OSSAccessKeyId=AK&Signature=s1';
    const task = normaliseTask({ BackupSetDownloadTaskId: 't1', BackupSetDownloadTaskName: signed, BackupSetDownloadDir: signed }, false);
    const plan = normalisePlan({ BackupPlanId: 'p1', BackupPlanName: signed }, false, 'cn-hangzhou');
    expect([task.taskName, task.downloadDir, plan.backupPlanName]).toEqual(Array(3).fill('https://oss.example/b.tar?***'));
  });
});

describe('newestFirst', () => {
  const order = newestFirst<{ at: string | null; id: string | null }>(
    (x) => x.at,
    (x) => x.id,
  );
  it('puts newer first, none last, ties by id, and reads the long signed years past 9999', () => {
    const items = [
      { at: '2026-01-01T00:00:00.000Z', id: 'b' },
      { at: null, id: 'a' },
      { at: '+010000-01-01T00:00:00.000Z', id: 'z' },
      { at: '2026-01-01T00:00:00.000Z', id: 'a' },
      { at: '2027-01-01T00:00:00.000Z', id: 'c' },
    ];
    expect([...items].sort(order).map((x) => x.id)).toEqual(['z', 'c', 'a', 'b', 'a']);
  });
});

describe('stateLabel', () => {
  it.each([
    ['failed', 'stop', true, 'failed (stop: download task failed)'],
    ['failed', 'stop', false, 'failed (stop)'],
    ['succeeded', 'finish', true, 'succeeded (finish)'],
    ['running', 'Running', true, 'running'],
    ['unknown', 'Weird', true, 'unknown (Weird: not a documented status)'],
    ['unknown', 'Weird', false, 'unknown (Weird)'],
    ['unknown', null, true, 'unknown'],
  ] as const)('%s with raw %s (meaning %s) reads %s', (state, status, withMeaning, label) => {
    expect(stateLabel(state, status, withMeaning)).toBe(label);
  });
});
