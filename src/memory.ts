/**
 * V8 settings for a server that idles between bursts of calls: a small heap that stays small,
 * rather than one that grows to the peak of the last burst and keeps it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Most the young generation (both semi-spaces) may grow to. */
export const YOUNG_GENERATION_CAP = 4 * 1024 * 1024;

export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Under a burst of calls V8 doubles the young generation, up to 32 MB here, and keeps it long after:
 * with 16 MB it was the larger part of the server's growth over 400 calls. `--max-semi-space-size`
 * would bound it, but V8 reads it only when it creates the heap, before any code here runs. What it
 * reads each time it grows the young generation is the factor to grow by: after every collection
 * that factor is set to 1 (no growth) when one more doubling would pass the cap, and back to 2 once
 * the generation is small again. Returns a function that stops watching.
 */
export function capYoungGeneration(cap = YOUNG_GENERATION_CAP): () => void {
  let growing: boolean | undefined;
  const check = (): void => {
    const grow = youngGenerationBytes() * 2 <= cap;
    if (grow === growing) return;
    growing = grow;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  check();
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    setFlagsFromString('--semi-space-growth-factor=2');
  };
}

/**
 * - `--optimize-for-size`: lower heap limits and sooner compaction; RSS growth over 401 calls fell
 *   from about 61 MB to 15-28 MB, per-call time unchanged.
 * - The young generation held at 4 MB (capYoungGeneration): a page of 100 tasks allocates about
 *   1 MB, so it fills every few calls.
 * - `--minor-gc-task-trigger=50`: V8 empties the young generation in an idle task once it is half
 *   full, rather than at 80%; with 4 MB that is in the pause after a call, not in the middle of
 *   the next one (the per-call overhead fell from about 4.9 to 3.8 ms).
 * - `--compact-on-every-full-gc`: a full collection moves what lives on to as few pages as it fits
 *   and gives the rest back. Otherwise V8 compacts only pages it judges fragmented enough, and the
 *   old generation stayed at 14.7-15.5 MB committed for 9-13 MB used after the benchmark's calls
 *   (11.0-13.0 MB with it). The price is in the pause of a full collection: 16-27 ms instead of
 *   3-14 ms, about once in 40 calls under the benchmark's load.
 */
export function tuneForSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--minor-gc-task-trigger=50');
  setFlagsFromString('--compact-on-every-full-gc');
  capYoungGeneration();
}

/** Bytes in use outside the young generation: what only a full collection gives back. */
export function oldGenerationBytes(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') used += space.space_used_size;
  }
  return used;
}

type GcOptions = { type: 'major'; execution: 'sync'; flavor: 'last-resort' };
let fullCollection: ((options?: GcOptions) => void) | undefined;

/**
 * V8 12 and later (Node 22) keep the pages a full collection empties in a pool of their own, still
 * resident: after the benchmark's calls a plain collection left RSS 7 MB higher than before it. Their
 * last-resort collection (a few collections in a row, 80 ms here) gives the pool back too. V8 11
 * (Node 20) gives the pages back after a plain collection, and reads these options differently.
 */
const LAST_RESORT_GC = Number(process.versions.v8.split('.')[0]) >= 12;

/**
 * A full collection, now. `--expose-gc` set at run time puts `gc` only in contexts made after it:
 * one is made for the purpose, the first time, and the flag is unset again.
 */
export function collectGarbage(): void {
  if (fullCollection === undefined) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as (options?: GcOptions) => void;
    setFlagsFromString('--no-expose-gc');
  }
  if (LAST_RESORT_GC) fullCollection({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  else fullCollection();
}

/** Calls in flight, as the tool handler reports them. */
export interface CallActivity {
  callStarted(): void;
  callEnded(): void;
}

export interface IdleCollection {
  /** Bytes in use outside the young generation, before and after. */
  before: number;
  after: number;
  ms: number;
}

export interface IdleCollectorOptions {
  /** How long no call may be in flight before the server collects. */
  delayMs?: number;
  /** Least growth outside the young generation since the last collection worth a collection's pause. */
  minGarbageBytes?: number;
  used?: () => number;
  collect?: () => void;
  onCollect?: (collection: IdleCollection) => void;
}

export const IDLE_DELAY_MS = 500;
export const IDLE_MIN_GARBAGE_BYTES = 2 * 1024 * 1024;

/**
 * A full collection once the server has gone idle after calls that left garbage in the old
 * generation. Under `--optimize-for-size` V8 lets the old generation grow 8 MB past what lives
 * before it collects, and nothing tells it a burst of calls has ended: its memory reducer waits 8 s
 * after a full collection, and once it has run it starts again only after committed memory has grown
 * by 10 MB. So without this the server kept up to 8 MB of dead tasks and pages after a burst, for as
 * long as it stayed idle. The pause (30-40 ms after the benchmark's calls, 80 ms on Node 22) falls
 * where no call waits on it: a call that comes in during it waits at most that long. Between calls
 * with a model's turn between them (seconds), it runs only once the calls have left 2 MB behind.
 */
export class IdleCollector implements CallActivity {
  private readonly delayMs: number;
  private readonly minGarbageBytes: number;
  private readonly used: () => number;
  private readonly collect: () => void;
  private readonly onCollect: ((collection: IdleCollection) => void) | undefined;
  private inFlight = 0;
  /** In use outside the young generation after the last collection (or the least seen since). */
  private live: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: IdleCollectorOptions = {}) {
    this.delayMs = options.delayMs ?? IDLE_DELAY_MS;
    this.minGarbageBytes = options.minGarbageBytes ?? IDLE_MIN_GARBAGE_BYTES;
    this.used = options.used ?? oldGenerationBytes;
    this.collect = options.collect ?? collectGarbage;
    this.onCollect = options.onCollect;
    this.live = this.used();
  }

  callStarted(): void {
    this.inFlight += 1;
  }

  callEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight > 0) return;
    // One timer, pushed back by every call that ends; one that fires while a call runs does nothing.
    this.timer ??= setTimeout(() => this.idle(), this.delayMs).unref();
    this.timer.refresh();
  }

  private idle(): void {
    if (this.inFlight > 0) return;
    const before = this.used();
    if (before - this.live < this.minGarbageBytes) {
      // Too little to be worth a pause; if V8 has collected on its own since, count from what it kept.
      this.live = Math.min(this.live, before);
      return;
    }
    const started = performance.now();
    this.collect();
    this.live = this.used();
    this.onCollect?.({ before, after: this.live, ms: performance.now() - started });
  }
}
