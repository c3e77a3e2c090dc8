import { setTimeout as delay } from 'node:timers/promises';
/** UTC times in ISO 8601 from epoch milliseconds. */

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-11-28T10:05:09Z`: ISO 8601 to the second, as the API's x-acs-date header takes it. */
export function isoSeconds(ms: number): string {
  return isoTime(ms).replace(/\.\d{3}Z$/, 'Z');
}

/** Resolves after `ms`, or rejects with `cancelled()` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelled());
  if (ms <= 0) return Promise.resolve();
  return delay(ms, undefined, { signal }).then(
    () => undefined,
    () => Promise.reject(cancelled()),
  );
}
