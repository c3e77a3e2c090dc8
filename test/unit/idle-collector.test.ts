import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleCollector, type IdleCollection } from '../../src/memory.js';

const MB = 1024 * 1024;

/** A collector over a pretend heap: `used` is set by the test, a collection takes it to `live`. */
function pretendHeap(options: { delayMs?: number; minGarbageBytes?: number } = {}) {
  const heap = { used: 10 * MB, live: 10 * MB, collections: [] as IdleCollection[] };
  const collector = new IdleCollector({
    delayMs: options.delayMs ?? 500,
    minGarbageBytes: options.minGarbageBytes ?? 2 * MB,
    used: () => heap.used,
    collect: () => {
      heap.used = heap.live;
    },
    onCollect: (collection) => heap.collections.push(collection),
  });
  return { heap, collector };
}

describe('IdleCollector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once the delay has passed with no call in flight, not before', () => {
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    heap.used += 6 * MB;
    collector.callEnded();
    vi.advanceTimersByTime(499);
    expect(heap.collections).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(heap.collections).toEqual([{ before: 16 * MB, after: 10 * MB, ms: expect.any(Number) }]);
    vi.advanceTimersByTime(10_000);
    expect(heap.collections).toHaveLength(1);
  });

  it('waits out a call that starts during the delay, and counts the delay from its end', () => {
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    heap.used += 6 * MB;
    collector.callEnded();
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
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    collector.callStarted();
    heap.used += 6 * MB;
    collector.callEnded();
    vi.advanceTimersByTime(5_000);
    expect(heap.collections).toHaveLength(0);
    collector.callEnded();
    vi.advanceTimersByTime(500);
    expect(heap.collections).toHaveLength(1);
  });

  it('leaves the heap alone when the calls left less garbage than a pause is worth', () => {
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    heap.used += 2 * MB - 1;
    collector.callEnded();
    vi.advanceTimersByTime(1_000);
    expect(heap.collections).toHaveLength(0);
    // More calls, more garbage: counted from the last collection, not from the last call.
    collector.callStarted();
    heap.used += 1;
    collector.callEnded();
    vi.advanceTimersByTime(500);
    expect(heap.collections).toHaveLength(1);
  });

  it('counts garbage from what V8 kept after a collection of its own', () => {
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    heap.used = 9 * MB; // V8 collected during the call, and some of what lived at the start died.
    collector.callEnded();
    vi.advanceTimersByTime(500);
    collector.callStarted();
    heap.used = 11 * MB;
    collector.callEnded();
    vi.advanceTimersByTime(500);
    expect(heap.collections).toEqual([{ before: 11 * MB, after: 10 * MB, ms: expect.any(Number) }]);
  });

  it('stop() drops the pending check', () => {
    const { heap, collector } = pretendHeap();
    collector.callStarted();
    heap.used += 6 * MB;
    collector.callEnded();
    collector.stop();
    vi.advanceTimersByTime(1_000);
    expect(heap.collections).toHaveLength(0);
  });

});
