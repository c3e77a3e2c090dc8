/** The server-wide bound on requests in flight, against the simulator: calls queue, deadlines start on sending. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient, type CredentialSource } from '../../src/dbs/client.js';
import { describeBackupSetDownloadTaskList } from '../../src/dbs/operations.js';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';

const PLAN = 'dbs1limitplan1';
let sim: Simulator;
const credentials: CredentialSource = async () => TEST_CREDENTIALS;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 30, seed: 4 }) }, latencyMs: 150 });
});
afterAll(async () => {
  await sim?.close();
});

const endpoint = () => ({ protocol: 'http' as const, host: sim.endpoint });
const page = { backupPlanId: PLAN, pageSize: 30, pageNum: 0 };

describe('requests in flight', () => {
  it('sends at most maxActiveRequests at once and times each from its sending, not from its queueing', async () => {
    // Eight calls, two at a time, 150 ms each: the last waits 450 ms, longer than its 400 ms deadline.
    const client = createDbsClient({ timeoutMs: 400, maxAttempts: 1, credentials, maxActiveRequests: 2 });
    const before = sim.requests.length;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    const arrivals = sim.requests
      .slice(before)
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(8);
    // Never a third request before one of the two before it has been answered.
    for (let i = 2; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 2]!).toBeGreaterThanOrEqual(140);
  });

  it('refuses a call as Busy at once when the queue is full, and serves the queued ones', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials, maxActiveRequests: 1, maxWaitingRequests: 2 });
    const queued = Array.from({ length: 3 }, () => client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() }));
    expect(client.busy?.()).toBe(true);
    const started = performance.now();
    await expect(client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() })).rejects.toMatchObject({
      code: 'Busy',
      message: '1 request(s) to the DBS endpoint running and 2 waiting, the most this server queues',
    });
    expect(performance.now() - started).toBeLessThan(50);
    expect((await Promise.all(queued)).map((p) => p.items.length)).toEqual([30, 30, 30]);
    expect(client.busy?.()).toBe(false);
    expect(client.load?.()).toEqual({ active: 0, waiting: 0 });
  });
});
