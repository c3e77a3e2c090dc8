/**
 * The DBS client in-process behind a local proxy: forwarding for http:// endpoints, CONNECT for
 * https:// ones, Basic auth, refusals, and aborts and deadlines while a CONNECT is unanswered. The
 * TLS cases that need the test CA trusted run end to end (test/e2e/proxy.test.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbsClient, type CredentialSource } from '../../src/dbs/client.js';
import { describeBackupSetDownloadTaskList } from '../../src/dbs/operations.js';
import type { Endpoint } from '../../src/dbs/endpoint.js';
import type { DbsError } from '../../src/dbs/errors.js';
import { parseNoProxy, type ProxySettings } from '../../src/dbs/proxy.js';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { eventually, startTestProxy, type TestProxy } from '../helpers/proxy.js';

const PLAN = 'dbs1proxyplan01';
const GATEWAY = 'gateway.corp.example:8080';
const DBS_HOST = 'dbs-api.cn-hangzhou.aliyuncs.com';
const USER = 'alice';
const PASSWORD = 'p@ss:w/rd-CANARY';
const credentials: CredentialSource = async () => TEST_CREDENTIALS;

let sim: Simulator;
let tlsSim: Simulator;
let proxy: TestProxy;
let authProxy: TestProxy;

beforeAll(async () => {
  const plans = { [PLAN]: makeTasks({ planId: PLAN, count: 5, seed: 3 }) };
  sim = await startSimulator({ plans });
  const tls = new URL('../../sim/tls/', import.meta.url);
  tlsSim = await startSimulator({ plans, tls: { cert: readFileSync(new URL('dbs.crt', tls)), key: readFileSync(new URL('dbs.key', tls)) } });
  const routes = { [GATEWAY]: Number(sim.endpoint.split(':')[1]), [`${DBS_HOST}:443`]: Number(tlsSim.endpoint.split(':')[1]) };
  proxy = await startTestProxy({ routes });
  authProxy = await startTestProxy({ routes, auth: { user: USER, password: PASSWORD } });
});
afterAll(async () => {
  await Promise.all([sim?.close(), tlsSim?.close(), proxy?.close(), authProxy?.close()]);
});

const gateway: Endpoint = { protocol: 'http', host: GATEWAY };
const dbs: Endpoint = { protocol: 'https', host: DBS_HOST };
const page = { backupPlanId: PLAN, pageSize: 30, pageNum: 0 };

function via(url: string, noProxy = ''): ProxySettings {
  return { https: new URL(url), http: new URL(url), noProxy: parseNoProxy(noProxy) };
}

function withAuth(base: string, user: string, password: string): string {
  const url = new URL(base);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.href;
}

async function failure(promise: Promise<unknown>): Promise<DbsError> {
  try {
    await promise;
  } catch (error) {
    return error as DbsError;
  }
  throw new Error('expected the call to fail');
}

describe('the DBS client behind a proxy', () => {
  it('forwards http:// endpoints through HTTP_PROXY, signed for the endpoint it names', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials, proxy: via(proxy.url) });
    const before = sim.requests.length;
    const result = await client.call(describeBackupSetDownloadTaskList, page, { endpoint: gateway });
    expect(result.totalElements).toBe(5);
    expect(proxy.requests.at(-1)).toMatchObject({ method: 'POST', target: GATEWAY, status: 200 });
    // The simulator checked the signature over the host the client named, not the proxy's.
    expect(sim.requests.slice(before).map((r) => [r.status, r.headers.host])).toEqual([[200, GATEWAY]]);
  });

  it('sends the user name and password of the proxy URL as Basic auth', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials, proxy: via(withAuth(authProxy.url, USER, PASSWORD)) });
    const result = await client.call(describeBackupSetDownloadTaskList, page, { endpoint: gateway });
    expect(result.totalElements).toBe(5);
    const seen = authProxy.requests.at(-1)!;
    expect(Buffer.from(seen.proxyAuthorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(`${USER}:${PASSWORD}`);
  });

  it('connects directly to a host NO_PROXY lists', async () => {
    const client = createDbsClient({
      timeoutMs: 2000,
      maxAttempts: 1,
      credentials,
      proxy: via(proxy.url, `example.org, 127.0.0.1:${sim.endpoint.split(':')[1]}`),
    });
    const before = proxy.requests.length;
    await client.call(describeBackupSetDownloadTaskList, page, { endpoint: { protocol: 'http', host: sim.endpoint } });
    expect(proxy.requests.length).toBe(before);
  });

  it('never sends a loopback endpoint through the proxy, even with NO_PROXY unset', async () => {
    // An STS token signs this request: through HTTP_PROXY it would cross the network in clear.
    const sts: CredentialSource = async () => ({ ...TEST_CREDENTIALS, securityToken: 'sts-token-CANARY' });
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials: sts, proxy: via(proxy.url) });
    const before = { proxy: proxy.requests.length, sim: sim.requests.length };
    const result = await client.call(describeBackupSetDownloadTaskList, page, { endpoint: { protocol: 'http', host: sim.endpoint } });
    expect(result.totalElements).toBe(5);
    expect(proxy.requests.length).toBe(before.proxy);
    expect(sim.requests.slice(before.sim).map((r) => [r.status, r.headers.host, r.headers['x-acs-security-token']])).toEqual([
      [200, sim.endpoint, 'sts-token-CANARY'],
    ]);
  });

  it.each([
    ['no credentials', (url: string) => url, /asks for a user name and password, and HTTP_PROXY has none \(HTTP 407 Proxy Authentication Required\)$/],
    [
      'a wrong password',
      (url: string) => withAuth(url, USER, 'wrong-CANARY'),
      /did not accept the user name and password in HTTP_PROXY \(HTTP 407 Proxy Authentication Required\)$/,
    ],
  ])('reports a 407 for %s on a forwarding proxy clearly, once', async (_name, proxyUrl, message) => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials, proxy: via(proxyUrl(authProxy.url)) });
    const before = authProxy.requests.length;
    const error = await failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: gateway }));
    expect(error).toMatchObject({ code: 'ProxyError', retryable: false, attempts: 1, httpStatus: 407 });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^the proxy ${authProxy.url} `));
    expect(authProxy.requests.length - before).toBe(1);
    expect(error.message).not.toMatch(/CANARY|alice|p%40ss/);
  });

  it('reports a 407 to CONNECT clearly, without the password and without a retry', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials, proxy: via(withAuth(authProxy.url, USER, 'wrong-CANARY')) });
    const before = authProxy.requests.length;
    const error = await failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: dbs }));
    expect(error).toMatchObject({ code: 'ProxyError', retryable: false, attempts: 1, httpStatus: 407 });
    expect(error.message).toBe(`the proxy ${authProxy.url} did not accept the user name and password in HTTPS_PROXY (HTTP 407 Proxy Authentication Required)`);
    expect(authProxy.requests.slice(before).map((r) => [r.method, r.target, r.status])).toEqual([['CONNECT', `${DBS_HOST}:443`, 407]]);
  });

  it('reports a CONNECT the proxy refuses, and retries a 5xx', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 2, backoffMs: () => 1, credentials, proxy: via(proxy.url) });
    const error = await failure(
      client.call(describeBackupSetDownloadTaskList, page, { endpoint: { protocol: 'https', host: 'dbs-api.eu-west-1.aliyuncs.com' } }),
    );
    expect(error).toMatchObject({ code: 'ProxyError', retryable: true, attempts: 2, httpStatus: 502 });
    expect(error.message).toBe(`the proxy ${proxy.url} refused the connection to dbs-api.eu-west-1.aliyuncs.com (HTTP 502 Bad Gateway)`);
  });

  it('names the proxy it cannot reach', async () => {
    const closed = await startTestProxy({ routes: {} });
    await closed.close();
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 1, credentials, proxy: via(withAuth(closed.url, USER, PASSWORD)) });
    const error = await failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: dbs }));
    expect(error).toMatchObject({ code: 'ProxyError', retryable: true });
    expect(error.message).toBe(`could not reach the proxy ${closed.url} (HTTPS_PROXY): ECONNREFUSED`);
  });

  it('refuses a certificate this process does not trust, without a retry, and says so', async () => {
    const client = createDbsClient({ timeoutMs: 2000, maxAttempts: 3, credentials, proxy: via(proxy.url) });
    const error = await failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: dbs }));
    expect(error).toMatchObject({ code: 'CertificateError', retryable: false, attempts: 1 });
    expect(error.message).toMatch(
      new RegExp(`^the TLS certificate of ${DBS_HOST} was refused: issued by a CA this machine does not trust \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)$`),
    );
  });

  it('closes the socket to the proxy when a call is cancelled before the proxy answers CONNECT', async () => {
    const hanging = await startTestProxy({ routes: {} });
    try {
      hanging.setHang(true);
      const client = createDbsClient({ timeoutMs: 10_000, maxAttempts: 1, credentials, proxy: via(hanging.url) });
      const controller = new AbortController();
      const call = failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: dbs, signal: controller.signal }));
      await eventually(() => hanging.requests.length === 1 && hanging.openClientSockets() === 1);
      controller.abort();
      expect((await call).code).toBe('Cancelled');
      await eventually(() => hanging.openClientSockets() === 0);
    } finally {
      await hanging.close();
    }
  });

  it('closes the socket to the proxy when the deadline passes before the proxy answers CONNECT', async () => {
    const hanging = await startTestProxy({ routes: {} });
    try {
      hanging.setHang(true);
      const client = createDbsClient({ timeoutMs: 300, maxAttempts: 2, backoffMs: () => 1, credentials, proxy: via(hanging.url) });
      const error = await failure(client.call(describeBackupSetDownloadTaskList, page, { endpoint: dbs }));
      expect(error).toMatchObject({ code: 'Timeout', attempts: 2 });
      expect(error.message).toBe(`no complete answer from ${DBS_HOST} through the proxy ${hanging.url} within 300 ms (DBS_MCP_TIMEOUT_MS)`);
      await eventually(() => hanging.openClientSockets() === 0);
      expect(hanging.requests).toHaveLength(2);
    } finally {
      await hanging.close();
    }
  });
});
