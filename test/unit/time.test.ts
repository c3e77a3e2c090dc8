import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoSeconds, isoTime } from '../../src/time.js';

describe('isoTime', () => {
  it('writes what Date#toISOString writes, from 1970 to past year 9999', () => {
    fc.assert(
      // Mostly years up to 9999, where the arithmetic is used; some beyond, where the built-in is.
      fc.property(fc.oneof(fc.integer({ min: 1, max: 253_402_300_799_999 }), fc.integer({ min: 1, max: 8.64e15 })), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    for (const ms of [1, 951_782_400_000, 4_107_542_399_999, 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('isoSeconds', () => {
  it('writes Date#toISOString without the milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoSeconds(ms)).toBe(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      }),
      { numRuns: 1000 },
    );
    expect(isoSeconds(Date.UTC(2026, 10, 28, 10, 5, 9, 999))).toBe('2026-11-28T10:05:09Z');
  });
});
