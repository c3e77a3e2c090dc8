/**
 * How many requests to the DBS endpoint may be on the wire at once, server-wide. Calls beyond that
 * wait in line (first come, first served) instead of all firing at once; past `maxWaiting` a call is
 * refused at once with a "Busy" error rather than left to time out in the queue.
 *
 * Requests come in two lanes. `interactive` (a list call someone is waiting on) always goes first.
 * `background` (a wait's looks) is paced to a rate and may hold only part of the slots, so a flood of
 * waits can neither hammer the endpoint nor make an interactive call queue behind it.
 */
import { DbsError } from './errors.js';
import { sleep } from '../time.js';

export type Lane = 'interactive' | 'background';

export interface BackgroundLane {
  /** Slots the background lane may hold at once. */
  maxActive: number;
  /** Background requests started per second, at most. */
  perSecond: number;
}

export interface RequestLimiter {
  /** Resolves with a release function once a slot is free; rejects with Busy, or with `cancelled()` on abort. */
  acquire(signal: AbortSignal | undefined, cancelled: () => DbsError, lane?: Lane): Promise<() => void>;
  /** Requests on the wire and requests waiting for a slot. */
  load(): { active: number; waiting: number };
  /** True when a new request would be refused as Busy. */
  full(): boolean;
}

interface Waiter {
  grant(): void;
}

/** Spaces starts evenly, one every 1/perSecond s: no burst can exceed the rate in any second. */
function createPacer(perSecond: number): (signal: AbortSignal | undefined, cancelled: () => DbsError) => Promise<void> {
  const spacingMs = 1000 / perSecond;
  let nextStart = 0;
  return (signal, cancelled) => {
    if (signal?.aborted) return Promise.reject(cancelled());
    const now = performance.now();
    const start = Math.max(now, nextStart);
    nextStart = start + spacingMs;
    return sleep(start - now, signal, cancelled);
  };
}

export function createRequestLimiter(maxActive: number, maxWaiting: number, background?: BackgroundLane): RequestLimiter {
  const backgroundMax = Math.min(maxActive, background?.maxActive ?? maxActive);
  const pace = background === undefined ? null : createPacer(background.perSecond);
  const active = { all: 0, background: 0 };
  const queues: Record<Lane, Set<Waiter>> = { interactive: new Set(), background: new Set() };
  const waitingCount = (): number => queues.interactive.size + queues.background.size;

  const canStart = (lane: Lane): boolean => active.all < maxActive && (lane === 'interactive' || active.background < backgroundMax);

  const take = (lane: Lane): (() => void) => {
    active.all += 1;
    if (lane === 'background') active.background += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active.all -= 1;
      if (lane === 'background') active.background -= 1;
      dispatch();
    };
  };

  // Interactive requests first; background ones while the lane has room.
  function dispatch(): void {
    for (const lane of ['interactive', 'background'] as const) {
      for (const waiter of queues[lane]) {
        if (!canStart(lane)) break;
        queues[lane].delete(waiter);
        waiter.grant();
      }
    }
  }

  const enqueue = (lane: Lane, signal: AbortSignal | undefined, cancelled: () => DbsError): Promise<() => void> =>
    new Promise((resolve, reject) => {
      const onAbort = (): void => {
        queues[lane].delete(waiter);
        reject(cancelled());
      };
      const waiter: Waiter = {
        grant() {
          signal?.removeEventListener('abort', onAbort);
          resolve(take(lane));
        },
      };
      queues[lane].add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const slot = (lane: Lane, signal: AbortSignal | undefined, cancelled: () => DbsError): Promise<() => void> => {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (queues[lane].size === 0 && canStart(lane)) return Promise.resolve(take(lane));
    if (waitingCount() >= maxWaiting) {
      return Promise.reject(
        new DbsError('Busy', `${active.all} request(s) to the DBS endpoint running and ${waitingCount()} waiting, the most this server queues`),
      );
    }
    return enqueue(lane, signal, cancelled);
  };

  return {
    acquire(signal, cancelled, lane = 'interactive') {
      if (lane === 'background' && pace !== null) return pace(signal, cancelled).then(() => slot(lane, signal, cancelled));
      return slot(lane, signal, cancelled);
    },
    load: () => ({ active: active.all, waiting: waitingCount() }),
    full: () => waitingCount() >= maxWaiting,
  };
}
