import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleCollector, type IdleCollection } from '../../src/memory.js';

const MB = 1024 * 1024;

/**
 * A collector over a pretend heap: `used` is what the test says is in use outside the young
 * generation, and a collection takes it down to `live`. `call(used)` is one whole call that leaves
 * `used` behind.
 */
function pretendHeap() {
  const heap = { used: 10 * MB, live: 10 * MB, collections: [] as IdleCollection[] };
  const collector = new IdleCollector({
    delayMs: 500,
    minGarbageBytes: 2 * MB,
    used: () => heap.used,
    collect: () => {
      heap.used = heap.live;
    },
    onCollect: (collection) => heap.collections.push(collection),
  });
  const call = (used: number): void => {
    collector.callStarted();
    heap.used = used;
    collector.callEnded();
  };
  return { heap, collector, call };
}

describe('IdleCollector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once the delay has passed with no call in flight, not before', () => {
    const { heap, call } = pretendHeap();
    call(16 * MB);
    vi.advanceTimersByTime(499);
    expect(heap.collections).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(heap.collections).toEqual([{ before: 16 * MB, after: 10 * MB, ms: expect.any(Number) }]);
    vi.advanceTimersByTime(10_000);
    expect(heap.collections).toHaveLength(1);
  });

  it('waits out a call that starts during the delay, and counts the delay from its end', () => {
    const { heap, collector, call } = pretendHeap();
    call(16 * MB);
    vi.advanceTimersByTime(300);
    collector.callStarted();
    vi.advanceTimersByTime(2_000);
    expect(heap.collections).toHaveLength(0);
    collector.callEnded();
    vi.advanceTimersByTime(499);
    expect(heap.collections).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(heap.collections).toHaveLength(1);
  });

  it('waits until every overlapping call has ended', () => {
    const { heap, collector, call } = pretendHeap();
    collector.callStarted();
    call(16 * MB);
    vi.advanceTimersByTime(5_000);
    expect(heap.collections).toHaveLength(0);
    collector.callEnded();
    vi.advanceTimersByTime(500);
    expect(heap.collections).toHaveLength(1);
  });

  it('leaves the heap alone when the calls left less garbage than a pause is worth', () => {
    const { heap, call } = pretendHeap();
    call(12 * MB - 1);
    vi.advanceTimersByTime(1_000);
    expect(heap.collections).toHaveLength(0);
    // More calls, more garbage: counted from the last collection, not from the last call.
    call(12 * MB);
    vi.advanceTimersByTime(500);
    expect(heap.collections).toHaveLength(1);
  });

  it('counts garbage from what V8 kept after a collection of its own', () => {
    const { heap, call } = pretendHeap();
    // V8 collected during the call, and some of what lived at the start died.
    call(9 * MB);
    vi.advanceTimersByTime(500);
    call(11 * MB);
    vi.advanceTimersByTime(500);
    expect(heap.collections).toEqual([{ before: 11 * MB, after: 10 * MB, ms: expect.any(Number) }]);
  });
});
