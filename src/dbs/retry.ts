/** Attempts of one call with backoff between them, until one answers, a failure is final, or the call is cancelled. */
import { DbsError } from './errors.js';
import { cancelled } from './failures.js';
import { sleep } from '../time.js';

export interface RetryNotice {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: DbsError;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Backoff before attempt n (n >= 2). */
  backoffMs: (attempt: number) => number;
  /** Epoch ms after which no attempt starts: a retry whose backoff would end past it is not made. */
  deadline?: number | undefined;
}

export function defaultBackoff(attempt: number): number {
  // 250 ms, 500 ms, 1 s, ... capped at 4 s, with full jitter so concurrent pages do not retry in step.
  const ceiling = Math.min(4_000, 250 * 2 ** (attempt - 2));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Runs `attempt` until it resolves. A failure that is not a DbsError becomes UnexpectedError; the
 * error thrown in the end carries the number of attempts made.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  onRetry: ((notice: RetryNotice) => void) | undefined,
): Promise<T> {
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw cancelled();
    try {
      return await attempt();
    } catch (raw) {
      const error = raw instanceof DbsError ? raw : new DbsError('UnexpectedError', 'the request failed unexpectedly');
      error.attempts = n;
      const delayMs = policy.backoffMs(n + 1);
      const outOfTime = policy.deadline !== undefined && Date.now() + delayMs >= policy.deadline;
      if (!error.retryable || n >= policy.maxAttempts || signal?.aborted || outOfTime) {
        if (signal?.aborted && error.code !== 'Cancelled') throw cancelled();
        throw error;
      }
      onRetry?.({ attempt: n + 1, maxAttempts: policy.maxAttempts, delayMs, error });
      await sleep(delayMs, signal, cancelled);
    }
  }
}
