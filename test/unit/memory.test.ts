/**
 * V8 settings, each in a fresh Node process (V8 flags are process-wide): the young-generation cap
 * over the same burst of allocations that survive a collection or two, with and without the cap;
 * and what a full collection gives back of an old generation mostly emptied, with and without the
 * server's settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP } from '../../src/memory.js';

const run = promisify(execFile);
let dir: string;

// Bursts like allPages calls: pages of objects kept a while, then dropped, with pauses between bursts.
const SCENARIO = `
import { setTimeout as sleep } from 'node:timers/promises';
import { capYoungGeneration, youngGenerationBytes } from './memory.mjs';
if (process.argv[2] === 'capped') capYoungGeneration();
let largest = 0;
for (let burst = 0; burst < 30; burst++) {
  const kept = [];
  for (let page = 0; page < 24; page++) {
    kept.push(Array.from({ length: 2000 }, (_, i) => ({ id: 'task-' + burst + '-' + page + '-' + i, size: i * page })));
    if (kept.length > 6) kept.shift();
    await sleep(0);
    largest = Math.max(largest, youngGenerationBytes());
  }
  await sleep(5);
}
process.stdout.write(JSON.stringify({ largest }));
`;

// Tasks moved to the old generation, seven in eight dropped, spread over every page; then a full collection.
const FRAGMENTED = `
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tuneForSmallHeap } from './memory.mjs';
if (process.argv[2] === 'tuned') tuneForSmallHeap();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const old = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
let tasks = Array.from({ length: 200000 }, (_, i) => ({ id: 'task-' + i, size: i }));
gc();
gc();
const before = old().space_size;
tasks = tasks.filter((_, i) => i % 8 === 0);
gc();
process.stdout.write(JSON.stringify({ before, committed: old().space_size, used: old().space_used_size, kept: tasks.length }));
`;

// Tasks moved to the old generation and dropped, then a call ends and the server goes idle.
const IDLE = `
import { setTimeout as sleep } from 'node:timers/promises';
import { IdleCollector, oldGenerationBytes, tuneForSmallHeap } from './memory.mjs';
tuneForSmallHeap();
const delayMs = Number(process.argv[2]);
const collections = [];
const collector = new IdleCollector({ delayMs, onCollect: (collection) => collections.push(collection) });
collector.callStarted();
let tasks = Array.from({ length: 200000 }, (_, i) => ({ id: 'task-' + i, size: i }));
await sleep(50);
tasks = tasks.length;
const dropped = oldGenerationBytes();
const droppedRss = process.memoryUsage.rss();
collector.callEnded();
if (delayMs < 1000) await sleep(delayMs + 500);
process.stdout.write(JSON.stringify({ dropped, idle: oldGenerationBytes(), droppedRss, idleRss: process.memoryUsage.rss(), collections }));
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbs-mcp-memory-'));
  const source = readFileSync(new URL('../../src/memory.ts', import.meta.url), 'utf8');
  writeFileSync(join(dir, 'memory.mjs'), transformSync(source, { loader: 'ts', format: 'esm' }).code);
  writeFileSync(join(dir, 'scenario.mjs'), SCENARIO);
  writeFileSync(join(dir, 'fragmented.mjs'), FRAGMENTED);
  writeFileSync(join(dir, 'idle.mjs'), IDLE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function largestYoungGeneration(mode: 'capped' | 'default'): Promise<number> {
  const { stdout } = await run(process.execPath, [join(dir, 'scenario.mjs'), mode], { timeout: 30_000 });
  return (JSON.parse(stdout) as { largest: number }).largest;
}

describe('capYoungGeneration', () => {
  it('holds the young generation at the cap where V8 alone would grow it past', async () => {
    const [capped, uncapped] = await Promise.all([largestYoungGeneration('capped'), largestYoungGeneration('default')]);
    expect(uncapped).toBeGreaterThan(YOUNG_GENERATION_CAP);
    expect(capped).toBeLessThanOrEqual(YOUNG_GENERATION_CAP);
  });
});

interface OldGeneration {
  before: number;
  committed: number;
  used: number;
}

async function oldGenerationAfterDrop(mode: 'tuned' | 'default'): Promise<OldGeneration> {
  const { stdout } = await run(process.execPath, [join(dir, 'fragmented.mjs'), mode], { timeout: 30_000 });
  return JSON.parse(stdout) as OldGeneration;
}

describe('tuneForSmallHeap', () => {
  it('gives back the old-generation pages a full collection leaves empty, where V8 alone keeps them', async () => {
    const [tuned, untuned] = await Promise.all([oldGenerationAfterDrop('tuned'), oldGenerationAfterDrop('default')]);
    const MB = 1024 * 1024;
    // Without the settings the pages stay committed, each holding an eighth of what it held.
    expect(untuned.committed - untuned.used).toBeGreaterThan(8 * MB);
    expect(tuned.before - tuned.committed).toBeGreaterThan(8 * MB);
    expect(tuned.committed - tuned.used).toBeLessThan(2 * MB);
  });
});

interface Idle {
  dropped: number;
  idle: number;
  droppedRss: number;
  idleRss: number;
  collections: { before: number; after: number; ms: number }[];
}

async function idleAfterDrop(delayMs: number): Promise<{ result: Idle; ms: number }> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [join(dir, 'idle.mjs'), String(delayMs)], { timeout: 30_000 });
  return { result: JSON.parse(stdout) as Idle, ms: performance.now() - started };
}

describe('IdleCollector in a real heap', () => {
  it('gives back the old generation a call left behind, once the process is idle', async () => {
    const { result } = await idleAfterDrop(100);
    const MB = 1024 * 1024;
    expect(result.dropped).toBeGreaterThan(8 * MB);
    expect(result.collections).toHaveLength(1);
    expect(result.dropped - result.idle).toBeGreaterThan(6 * MB);
    // And the process gives the pages back: on V8 12 (Node 22) only the last-resort collection does.
    expect(result.droppedRss - result.idleRss).toBeGreaterThan(4 * MB);
  });

  it('does not keep the process alive while it waits to collect', async () => {
    const { result, ms } = await idleAfterDrop(60_000);
    expect(result.collections).toHaveLength(0);
    expect(ms).toBeLessThan(20_000);
  });
});
