/** The DBS client in-process against the simulator: real signing, real HTTP, injected failures. */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient, type CredentialSource } from '../../src/dbs/client.js';
import { describeBackupSetDownloadTaskList, describeRegions } from '../../src/dbs/operations.js';
import type { DbsError } from '../../src/dbs/errors.js';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';

const PLAN = 'dbs1clientplan';
let sim: Simulator;
const staticCredentials: CredentialSource = async () => TEST_CREDENTIALS;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 70, seed: 5 }) } });
});
afterAll(async () => {
  await sim?.close();
});

const endpoint = () => ({ protocol: 'http' as const, host: sim.endpoint });
const page = { backupPlanId: PLAN, pageSize: 30, pageNum: 0 };

describe('createDbsClient', () => {
  it('signs a request the simulator verifies and returns the parsed page', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials: staticCredentials });
    const before = sim.requests.length;
    const result = await client.call(describeBackupSetDownloadTaskList, { ...page, pageNum: 2, clientToken: 'tok-(1)!' }, { endpoint: endpoint() });
    expect(result).toMatchObject({ pageNum: 2, pageSize: 30, totalElements: 70, totalPages: 3 });
    // One attempt answered it.
    expect(sim.requests.length - before).toBe(1);
    expect(result.items).toHaveLength(10);
    const seen = sim.requests[sim.requests.length - 1]!;
    expect(seen.status).toBe(200);
    expect(seen.query).toEqual({ BackupPlanId: PLAN, PageNum: '2', PageSize: '30', ClientToken: 'tok-(1)!' });
    expect(seen.headers['x-acs-action']).toBe('DescribeBackupSetDownloadTaskList');
    expect(seen.headers['x-acs-version']).toBe('2019-03-06');
  });

  it('dates each request to the second, within the window the endpoint accepts', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials: staticCredentials });
    await client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() });
    // The simulator refuses a date more than 15 minutes off its own clock, as the gateway does.
    const seen = sim.requests[sim.requests.length - 1]!;
    expect(seen.status).toBe(200);
    expect(seen.headers['x-acs-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads UTF-8 split anywhere across the chunks of an answer', async () => {
    const names = ['每日备份下载', 'café 🚀', 'plain'];
    const body = Buffer.from(
      JSON.stringify({
        RequestId: 'R-utf8',
        Success: true,
        TotalElements: 3,
        Items: { BackupSetDownloadTaskDetail: names.map((name, i) => ({ BackupSetDownloadTaskId: `t${i}`, BackupSetDownloadTaskName: name })) },
      }),
      'utf8',
    );
    // One byte a write, each flushed on its own: every multi-byte character arrives cut in pieces.
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      let at = 0;
      const next = (): void => {
        if (at >= body.length) return void res.end();
        res.write(body.subarray(at, (at += 1)), () => setImmediate(next));
      };
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createDbsClient({ timeoutMs: 5000, maxAttempts: 1, credentials: staticCredentials });
      const result = await client.call(describeBackupSetDownloadTaskList, page, { endpoint: { protocol: 'http', host: `127.0.0.1:${port}` } });
      expect(result.items.map((item) => item.BackupSetDownloadTaskName)).toEqual(names);
    } finally {
      server.close();
    }
  });

  it('calls DescribeRegions over the same request path, with no parameters', async () => {
    const seen: { url?: string; action?: string; authorization?: string }[] = [];
    const server = createHttpServer((req, res) => {
      seen.push({ url: req.url, action: req.headers['x-acs-action'] as string, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: 'R-regions', Success: true, Regions: { RegionCode: ['cn-hangzhou', 'not a region', 'eu-central-1'] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createDbsClient({ timeoutMs: 5000, maxAttempts: 1, credentials: staticCredentials });
      const result = await client.call(describeRegions, {}, { endpoint: { protocol: 'http', host: `127.0.0.1:${port}` } });
      expect(result).toEqual({ requestId: 'R-regions', regionIds: ['cn-hangzhou', 'eu-central-1'] });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ url: '/?', action: 'DescribeRegions' });
      expect(seen[0]!.authorization).toMatch(
        new RegExp(`^ACS3-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId},SignedHeaders=.*x-acs-action.*,Signature=[0-9a-f]{64}$`),
      );
    } finally {
      server.close();
    }
  });

  it('retries retryable failures with backoff, then reports the attempts', async () => {
    const delays: number[] = [];
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 4, credentials: staticCredentials, backoffMs: (n) => n });
    sim.addFault({ kind: 'service-unavailable' });
    const error = (await client
      .call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint(), onRetry: (r) => delays.push(r.delayMs) })
      .catch((e: unknown) => e)) as DbsError;
    sim.clearFaults();
    expect(error).toMatchObject({ code: 'ServiceUnavailable', httpStatus: 503, attempts: 4, retryable: true });
    expect(delays).toEqual([2, 3, 4]);
  });

  it('does not retry what cannot succeed', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials: async () => ({ ...TEST_CREDENTIALS, accessKeySecret: 'wrong' }) });
    const before = sim.requests.length;
    await expect(client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      attempts: 1,
    });
    expect(sim.requests.length - before).toBe(1);
  });

  it('bounds a hanging credentials provider by the attempt deadline', async () => {
    const never: CredentialSource = () => new Promise(() => undefined);
    const client = createDbsClient({ timeoutMs: 150, maxAttempts: 2, credentials: never, backoffMs: () => 1 });
    const started = performance.now();
    await expect(client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint() })).rejects.toMatchObject({
      code: 'Timeout',
      attempts: 2,
      message: 'the credentials provider did not answer within 150 ms (DBS_MCP_TIMEOUT_MS)',
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops waiting for credentials when the call is cancelled', async () => {
    const never: CredentialSource = () => new Promise(() => undefined);
    const client = createDbsClient({ timeoutMs: 60_000, maxAttempts: 3, credentials: never });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(client.call(describeBackupSetDownloadTaskList, page, { endpoint: endpoint(), signal: controller.signal })).rejects.toMatchObject({
      code: 'Cancelled',
    });
  });

  it('stops backing off when the call is cancelled', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials: staticCredentials, backoffMs: () => 60_000 });
    sim.addFault({ kind: 'throttling' });
    const controller = new AbortController();
    const pending = client.call(describeBackupSetDownloadTaskList, page, {
      endpoint: endpoint(),
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(pending).rejects.toMatchObject({ code: 'Cancelled' });
    sim.clearFaults();
  });
});
