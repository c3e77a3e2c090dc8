import { describe, expect, it } from 'vitest';
import { isRetryableApiError } from '../../src/dbs/errors.js';

describe('isRetryableApiError', () => {
  it.each([
    ['Throttling.User', 400, true],
    ['Throttling', 503, true],
    ['ServiceUnavailable', 503, true],
    ['InternalError', 500, true],
    ['HTTP429', 429, true],
    ['Something', 502, true],
    ['Forbidden.RAM', 403, false],
    ['SignatureDoesNotMatch', 400, false],
    ['InvalidAccessKeyId.NotFound', 404, false],
    ['Param.NotFound', undefined, false],
  ] as const)('%s (HTTP %s) -> %s', (code, status, retryable) => {
    expect(isRetryableApiError(code, status)).toBe(retryable);
  });
});
