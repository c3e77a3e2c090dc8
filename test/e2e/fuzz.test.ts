/** Property-based: whatever arguments a client sends, the server answers clearly and keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEMO_PLANS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

let sim: Simulator;
let session: StdioSession;

beforeAll(async () => {
  sim = await startSimulator({ plans: DEMO_PLANS });
  session = await spawnServer(simulatorEnv(sim, { DBS_MCP_TIMEOUT_MS: '2000' }));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

const KEYS = [
  'backupPlanId',
  'backupSetDownloadTaskId',
  'pageSize',
  'pageNum',
  'allPages',
  'maxPages',
  'states',
  'createdAfter',
  'createdBefore',
  'sortBy',
  'limit',
  'includeUrls',
  'regionId',
  'clientToken',
];
const value = fc.oneof(
  fc.constantFrom(
    'dbs1demoplan01',
    'dbs1emptyplan0',
    '',
    'dbs1nosuchplan',
    30,
    50,
    100,
    0,
    -1,
    1e9,
    true,
    false,
    null,
    ['failed'],
    ['nope'],
    'cn-hangzhou',
    '7d',
    '2026-11-20',
    'finished',
  ),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 9 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const args = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), value, { maxKeys: 6 });
// Mostly well-formed calls, so the success path is fuzzed too.
const plausible = fc.record(
  {
    backupPlanId: fc.constantFrom('dbs1demoplan01', 'dbs1emptyplan0', 'dbs1nosuchplan', ''),
    backupSetDownloadTaskId: fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z0-9]{1,16}$/)),
    pageSize: fc.constantFrom(30, 50, 100, 40),
    pageNum: fc.integer({ min: -1, max: 4 }),
    allPages: fc.boolean(),
    maxPages: fc.integer({ min: 0, max: 101 }),
    states: fc.uniqueArray(fc.constantFrom('pending', 'running', 'paused', 'stopped', 'succeeded', 'failed', 'unknown'), { maxLength: 7 }),
    createdAfter: fc.constantFrom('2026-11-20', '2026-11-20T08:00:00+08:00', '36h', '', '2026-02-30'),
    createdBefore: fc.constantFrom('2026-11-27', '1w', '', '2026-11-27T25:00'),
    sortBy: fc.constantFrom('created', 'finished', 'finished', 'size'),
    limit: fc.integer({ min: 0, max: 1001 }),
    includeUrls: fc.boolean(),
    clientToken: fc.stringMatching(/^[!-~]{1,64}$/),
  },
  { requiredKeys: [] },
);
const CODE = /^(MCP error -32602: Input validation error|InvalidInput|Param\.NotFound|InvalidParameter[.\w]*): /;

describe('fuzzed arguments through a real client over stdio', () => {
  it('always get a clear answer and never crash the server', async () => {
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(args, plausible), async (input) => {
        const result = await session.callTool(input);
        if (!result.isError) successes += 1;
        expect(result.text.length).toBeGreaterThan(0);
        expect(result.text).not.toMatch(/\bundefined\b|NaN|\[object Object\]|UnexpectedError/);
        if (result.isError) {
          expect(result.text).toMatch(CODE);
        } else {
          expect(result.structuredContent).toHaveProperty('summary');
        }
      }),
      { numRuns: 200, seed: 20261128 },
    );
    expect(successes).toBeGreaterThan(10);
    const { tools } = await session.client.listTools();
    expect(tools).toHaveLength(3);
    expect(session.stderr()).not.toMatch(/uncaught|unhandled/i);
  });
});
