/**
 * V8 settings for a server that idles between bursts of calls: a small heap that stays small,
 * rather than one that grows to the peak of the last burst and keeps it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

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
