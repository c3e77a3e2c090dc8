import { describe, expect, it } from 'vitest';
import { count, durationText, fullTime } from '../../src/tools/shared/format.js';

describe('durationText', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [60, '1m 00s'],
    [3 * 60 + 7, '3m 07s'],
    [3600, '1h 00m 00s'],
    [3 * 3600 + 5 * 60 + 9, '3h 05m 09s'],
    [86_400, '1d 0h'],
    [2 * 86_400 + 4 * 3600 + 59, '2d 4h'],
  ])('%d s -> %s', (seconds, text) => {
    expect(durationText(seconds)).toBe(text);
  });
});

describe('count and fullTime', () => {
  it('groups thousands and writes a time to the second', () => {
    expect([count(0), count(999), count(1437), count(1_000_000)]).toEqual(['0', '999', '1,437', '1,000,000']);
    expect(fullTime('2026-11-27T10:05:59.123Z')).toBe('2026-11-27 10:05:59 UTC');
  });
});
