/** The DBS client's DescribeBackupPlanList in-process against the simulator: real signing, real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient, type CredentialSource } from '../../src/dbs/client.js';
import { describeBackupPlanList } from '../../src/dbs/operations.js';
import { makePlans, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';

const PLANS = makePlans({ region: 'cn-hangzhou', count: 12, seed: 11 });
let sim: Simulator;
const credentials: CredentialSource = async () => TEST_CREDENTIALS;

beforeAll(async () => {
  sim = await startSimulator({ backupPlans: { 'cn-hangzhou': PLANS } });
});
afterAll(async () => {
  await sim?.close();
});

const endpoint = () => ({ protocol: 'http' as const, host: sim.endpoint });

describe('describeBackupPlanList', () => {
  it('sends a signed DescribeBackupPlanList with Region, comma-joined ids and no empty parameters', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials });
    const ids = [PLANS[0]!.BackupPlanId, PLANS[4]!.BackupPlanId].join(',');
    const before = sim.requests.length;
    const page = await client.call(
      describeBackupPlanList,
      { region: 'cn-hangzhou', backupPlanId: ids, backupPlanName: '', pageSize: 50, pageNum: 0 },
      { endpoint: endpoint() },
    );
    expect(page).toMatchObject({ pageNum: 0, pageSize: 50, totalElements: 2, totalPages: 1 });
    expect(sim.requests.length - before).toBe(1);
    expect(page.items.map((p) => p.BackupPlanId)).toEqual([PLANS[0]!.BackupPlanId, PLANS[4]!.BackupPlanId]);
    const seen = sim.requests.at(-1)!;
    expect(seen.status).toBe(200);
    expect(seen.headers['x-acs-action']).toBe('DescribeBackupPlanList');
    expect(seen.headers['x-acs-version']).toBe('2019-03-06');
    expect(seen.query).toEqual({ Region: 'cn-hangzhou', BackupPlanId: ids, PageSize: '50', PageNum: '0' });
  });

  it('reads an empty list, Items "", as no items', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials });
    const page = await client.call(
      describeBackupPlanList,
      { region: 'cn-hangzhou', backupPlanStatus: 'no-such-status', pageSize: 10, pageNum: 0 },
      { endpoint: endpoint() },
    );
    expect(page).toMatchObject({ totalElements: 0, totalPages: 0, items: [] });
  });

  it('retries like the download-task operation, over the same request path', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials, backoffMs: () => 1 });
    sim.addFault({ kind: 'throttling', times: 2, action: 'DescribeBackupPlanList' });
    const before = sim.requests.length;
    const retries: number[] = [];
    const page = await client.call(
      describeBackupPlanList,
      { region: 'cn-hangzhou', pageSize: 5, pageNum: 2 },
      { endpoint: endpoint(), onRetry: (n) => retries.push(n.attempt) },
    );
    expect(page).toMatchObject({ pageNum: 2 });
    // The third attempt answered.
    expect(retries).toEqual([2, 3]);
    expect(page.items).toHaveLength(2);
    expect(sim.requests.slice(before).map((r) => r.code ?? r.status)).toEqual(['Throttling.User', 'Throttling.User', 200]);
  });
});
