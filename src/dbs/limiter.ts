/**
 * How many requests to the DBS endpoint may be on the wire at once, server-wide. Calls beyond that
 * wait in line (first come, first served) instead of all firing at once; past `maxWaiting` a call is
 * refused at once with a "Busy" error rather than left to time out in the queue.
 */
import { DbsError } from './errors.js';

export interface RequestLimiter {
  /** Resolves with a release function once a slot is free; rejects with Busy, or with `cancelled()` on abort. */
  acquire(signal: AbortSignal | undefined, cancelled: () => DbsError): Promise<() => void>;
  /** Requests on the wire and requests waiting for a slot. */
  load(): { active: number; waiting: number };
  /** True when a new request would be refused as Busy. */
  full(): boolean;
}

interface Waiter {
  grant(): void;
}

export function createRequestLimiter(maxActive: number, maxWaiting: number): RequestLimiter {
  let active = 0;
  const waiting = new Set<Waiter>();

  const release = (): void => {
    const next = waiting.values().next();
    if (next.done) {
      active -= 1;
      return;
    }
    // The slot passes straight to the next in line: `active` stays the same.
    waiting.delete(next.value);
    next.value.grant();
  };

  const releaseOnce = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire(signal, cancelled) {
      if (signal?.aborted) return Promise.reject(cancelled());
      if (active < maxActive) {
        active += 1;
        return Promise.resolve(releaseOnce());
      }
      if (waiting.size >= maxWaiting) {
        return Promise.reject(
          new DbsError('Busy', `${active} request(s) to the DBS endpoint running and ${waiting.size} waiting, the most this server queues`),
        );
      }
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          waiting.delete(waiter);
          reject(cancelled());
        };
        const waiter: Waiter = {
          grant() {
            signal?.removeEventListener('abort', onAbort);
            resolve(releaseOnce());
          },
        };
        waiting.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    load: () => ({ active, waiting: waiting.size }),
    full: () => waiting.size >= maxWaiting,
  };
}
