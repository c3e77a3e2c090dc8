import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/tools/list-backup-set-download-tasks/time-window.js';
import { inputSchema, toListInput } from '../../src/tools/list-backup-set-download-tasks/tool.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('parseInstant', () => {
  it.each([
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T08:30', '2026-11-20T08:30:00.000Z'],
    ['2026-11-20T08:30:15', '2026-11-20T08:30:15.000Z'],
    ['2026-11-20 08:30:15', '2026-11-20T08:30:15.000Z'],
    ['2026-11-20T08:30:15.250Z', '2026-11-20T08:30:15.250Z'],
    ['2026-11-20T08:30:15+08:00', '2026-11-20T00:30:15.000Z'],
    ['2026-11-20T08:30:15-0130', '2026-11-20T10:00:15.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['90m', '2026-11-28T10:30:00.000Z'],
    ['24h', '2026-11-27T12:00:00.000Z'],
    ['7d', '2026-11-21T12:00:00.000Z'],
    ['2w', '2026-11-14T12:00:00.000Z'],
    ['2W', '2026-11-14T12:00:00.000Z'],
    [' 7d ', '2026-11-21T12:00:00.000Z'],
    ['today', '2026-11-28T00:00:00.000Z'],
    ['yesterday', '2026-11-27T00:00:00.000Z'],
    [' Yesterday ', '2026-11-27T00:00:00.000Z'],
  ])('%j -> %s', (text, iso) => {
    expect(new Date(parseInstant(text, NOW)!).toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-11-20T24:00',
    '2026-11-20T08:60',
    '2026-11-20T08:00+25:00',
    '7y',
    '7',
    '',
    '2026/11/20',
    '-7d',
    'tomorrow',
    'yesterday 08:00',
  ])('%j names no instant', (text) => {
    expect(parseInstant(text, NOW)).toBeNull();
  });
});

describe('time arguments outside the calendar', () => {
  const args = (extra: Record<string, unknown>) => inputSchema.parse({ backupPlanId: 'dbs1plan', ...extra });

  it.each([
    ['createdAfter', '200000w'],
    ['createdBefore', '999999d'],
    ['createdAfter', '1969-12-31'],
  ])('refuses %s %j as InvalidInput, naming it', (key, value) => {
    expect(() => toListInput(args({ [key]: value }), NOW)).toThrow(
      expect.objectContaining({ code: 'InvalidInput', message: `${key} "${value}" falls outside the years 1970 to 9999: give a later date or a shorter age` }),
    );
  });

  it('takes the edges of the calendar', () => {
    expect(toListInput(args({ createdAfter: '1970-01-01', createdBefore: '9999-12-31T23:59:59Z' }), NOW).window).toEqual({
      after: 0,
      before: Date.UTC(9999, 11, 31, 23, 59, 59),
    });
  });
});

describe('today and yesterday', () => {
  it('are the start of the UTC day of the call, also in the first and last millisecond of a day', () => {
    const midnight = Date.UTC(2027, 0, 1);
    expect(parseInstant('today', midnight)).toBe(midnight);
    expect(parseInstant('yesterday', midnight)).toBe(Date.UTC(2026, 11, 31));
    expect(parseInstant('today', midnight - 1)).toBe(Date.UTC(2026, 11, 31));
    expect(parseInstant('yesterday', midnight - 1)).toBe(Date.UTC(2026, 11, 30));
  });
});
