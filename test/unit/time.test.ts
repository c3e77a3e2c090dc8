import { describe, expect, it } from 'vitest';
import { isoSeconds, isoTime } from '../../src/time.js';

describe('isoTime and isoSeconds', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00Z'],
    [Date.UTC(2026, 10, 28, 10, 5, 9, 999), '2026-11-28T10:05:09.999Z', '2026-11-28T10:05:09Z'],
    [Date.UTC(2000, 1, 29, 23, 59, 59, 7), '2000-02-29T23:59:59.007Z', '2000-02-29T23:59:59Z'],
  ])('%d', (ms, iso, seconds) => {
    expect(isoTime(ms)).toBe(iso);
    expect(isoSeconds(ms)).toBe(seconds);
  });
});
