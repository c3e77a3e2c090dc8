/**
 * A corporate network end to end: the built server over stdio with only a proxy variable and
 * NODE_EXTRA_CA_CERTS set (no endpoint override), a local CONNECT proxy in front of the simulator,
 * which serves TLS under the real DBS host names with a certificate from a test CA.
 *
 * No DNS for *.aliyuncs.com is needed or used: the proxy maps each DBS host name it is asked for to
 * the simulator on 127.0.0.1, and sim/loopback-only.mjs, preloaded into the server, refuses and
 * reports any connection off loopback (its redirects stand in for DNS in the NO_PROXY case).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { startTestProxy, type TestProxy } from '../helpers/proxy.js';
import { spawnServer } from '../helpers/stdio.js';

const LOOPBACK_ONLY = new URL('../../sim/loopback-only.mjs', import.meta.url).href;
const TLS_DIR = new URL('../../sim/tls/', import.meta.url);
const TEST_CA = fileURLToPath(new URL('dbs-test-ca.crt', TLS_DIR));
const PLAN = 'dbs1corpplan001';
const TASKS = makeTasks({ planId: PLAN, count: 12, seed: 20 });
const USER = 'corp-user';
const PASSWORD = 'CANARY-pr0xy:p@ss/word';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

/** Host names the SDK's rule gives, with the region that leads to each. */
const CENTRAL = 'dbs-api.cn-hangzhou.aliyuncs.com';
const UNMAPPED = { region: 'cn-guangzhou', host: 'dbs.cn-guangzhou.aliyuncs.com' };
/** Not on the test certificate: a host-name mismatch. */
const MISMATCH = { region: 'eu-west-1', host: 'dbs-api.eu-west-1.aliyuncs.com' };
/** Served with an expired certificate. */
const EXPIRED = { region: 'me-east-1', host: 'dbs-api.me-east-1.aliyuncs.com' };

let sim: Simulator;
let expiredSim: Simulator;
let proxy: TestProxy;
let authProxy: TestProxy;
let tlsProxy: TestProxy;
/** Every tool result and every server's stderr, for the leak sweep at the end. */
const outputs: string[] = [];

const port = (s: Simulator): number => Number(s.endpoint.split(':')[1]);

beforeAll(async () => {
  const plans = { [PLAN]: TASKS };
  const pem = (name: string): Buffer => readFileSync(new URL(name, TLS_DIR));
  sim = await startSimulator({ plans, tls: { cert: pem('dbs.crt'), key: pem('dbs.key') } });
  expiredSim = await startSimulator({ plans, tls: { cert: pem('dbs-expired.crt'), key: pem('dbs-expired.key') } });
  const routes = {
    [`${CENTRAL}:443`]: port(sim),
    [`${UNMAPPED.host}:443`]: port(sim),
    [`${MISMATCH.host}:443`]: port(sim),
    [`${EXPIRED.host}:443`]: port(expiredSim),
  };
  proxy = await startTestProxy({ routes });
  authProxy = await startTestProxy({ routes, auth: { user: USER, password: PASSWORD } });
  tlsProxy = await startTestProxy({ routes, auth: { user: USER, password: PASSWORD }, tls: { cert: pem('dbs.crt'), key: pem('dbs.key') } });
});

afterAll(async () => {
  await Promise.all([sim?.close(), expiredSim?.close(), proxy?.close(), authProxy?.close(), tlsProxy?.close()]);
  // Nothing secret in any output: the proxy password (plain, percent-encoded or as Basic auth) or the key secret.
  for (const text of outputs) {
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain(BASIC);
    expect(text).not.toContain(TEST_CREDENTIALS.accessKeySecret);
  }
});

interface Answer {
  isError: boolean;
  text: string;
  endpoint: string | undefined;
}

/** One tool call from a fresh server with `env` (plus the test key), then the server is stopped. */
async function callThrough(env: Record<string, string>): Promise<Answer> {
  const session = await spawnServer(
    {
      ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      DBS_MCP_LOG_LEVEL: 'debug',
      ...env,
    },
    [],
    { nodeArgs: [`--import=${LOOPBACK_ONLY}`] },
  );
  try {
    const result = await session.callTool({ backupPlanId: PLAN });
    const structured = result.structuredContent as { request?: { endpoint?: string } } | undefined;
    return { isError: result.isError === true, text: result.text, endpoint: structured?.request?.endpoint };
  } finally {
    await session.close();
    await new Promise((resolve) => setImmediate(resolve));
    const stderr = session.stderr();
    outputs.push(stderr);
    expect(stderr).not.toMatch(/loopback-only: blocked/);
  }
}

async function call(env: Record<string, string>): Promise<Answer> {
  const answer = await callThrough(env);
  outputs.push(answer.text);
  return answer;
}

describe('the built server behind a corporate proxy', () => {
  it('answers through the proxy over TLS with only https_proxy and NODE_EXTRA_CA_CERTS set', async () => {
    const before = { proxy: proxy.requests.length, sim: sim.requests.length };
    const answer = await call({ https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: TEST_CA });
    expect(answer.isError).toBe(false);
    expect(answer.text).toContain('12');
    expect(answer.endpoint).toBe(CENTRAL);
    expect(proxy.requests.slice(before.proxy).map((r) => [r.method, r.target, r.status])).toEqual([['CONNECT', `${CENTRAL}:443`, 200]]);
    // Signed for, and verified under, the DBS host name.
    expect(sim.requests.slice(before.sim).map((r) => [r.status, r.headers.host])).toEqual([[200, CENTRAL]]);
  });

  it('sends the proxy user and password as Basic auth and never shows them, even with DEBUG=*', async () => {
    const url = new URL(authProxy.url);
    url.username = USER;
    url.password = encodeURIComponent(PASSWORD);
    const before = authProxy.requests.length;
    const answer = await call({ HTTPS_PROXY: url.href, NODE_EXTRA_CA_CERTS: TEST_CA, DEBUG: '*' });
    expect(answer.isError).toBe(false);
    expect(authProxy.requests.slice(before).map((r) => [r.target, r.proxyAuthorization, r.status])).toEqual([[`${CENTRAL}:443`, `Basic ${BASIC}`, 200]]);
  });

  it('speaks TLS to an https:// proxy, trusting its certificate through NODE_EXTRA_CA_CERTS too', async () => {
    const url = new URL(tlsProxy.url);
    url.username = USER;
    url.password = encodeURIComponent(PASSWORD);
    const before = tlsProxy.requests.length;
    const answer = await call({ HTTPS_PROXY: url.href, NODE_EXTRA_CA_CERTS: TEST_CA });
    expect(answer.isError).toBe(false);
    expect(tlsProxy.requests.slice(before).map((r) => [r.method, r.target, r.status])).toEqual([['CONNECT', `${CENTRAL}:443`, 200]]);
  });

  it('names the https:// proxy whose certificate it refuses', async () => {
    const answer = await call({ HTTPS_PROXY: tlsProxy.url });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      new RegExp(`^CertificateError: the TLS certificate of the proxy ${tlsProxy.url} was refused: issued by a CA this machine does not trust`),
    );
  });

  it('says which proxy refused the password, and what to check, on a 407', async () => {
    const url = new URL(authProxy.url);
    url.username = USER;
    url.password = 'CANARY-wrong';
    const answer = await call({ HTTPS_PROXY: url.href, NODE_EXTRA_CA_CERTS: TEST_CA });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      new RegExp(
        `^ProxyError: the proxy ${authProxy.url} did not accept the user name and password in HTTPS_PROXY \\(HTTP 407 Proxy Authentication Required\\)\\n`,
      ),
    );
    expect(answer.text).toMatch(/Next: Check the proxy settings \(HTTPS_PROXY/);
  });

  it('connects directly to hosts in NO_PROXY', async () => {
    const before = { proxy: proxy.requests.length, sim: sim.requests.length };
    const session = await spawnServer(
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: 'localhost,.aliyuncs.com',
        NODE_EXTRA_CA_CERTS: TEST_CA,
        // Stands in for DNS: the direct connection to the DBS host lands on the simulator.
        LOOPBACK_REDIRECTS: JSON.stringify({ [`${CENTRAL}:443`]: `127.0.0.1:${port(sim)}` }),
      },
      [],
      { nodeArgs: [`--import=${LOOPBACK_ONLY}`] },
    );
    try {
      const result = await session.callTool({ backupPlanId: PLAN });
      outputs.push(result.text);
      expect(result.isError).toBeFalsy();
    } finally {
      await session.close();
    }
    expect(proxy.requests.length).toBe(before.proxy);
    expect(sim.requests.slice(before.sim).map((r) => [r.status, r.headers.host])).toEqual([[200, CENTRAL]]);
  });

  it("reaches a region outside the SDK's endpoint map at dbs.<region>.aliyuncs.com", async () => {
    const before = proxy.requests.length;
    const answer = await call({ HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: TEST_CA, ALIBABA_CLOUD_REGION_ID: UNMAPPED.region });
    expect(answer.isError).toBe(false);
    expect(answer.endpoint).toBe(UNMAPPED.host);
    expect(proxy.requests.slice(before).map((r) => r.target)).toEqual([`${UNMAPPED.host}:443`]);
  });

  it.each([
    ['a CA it does not trust', {}, CENTRAL, 'issued by a CA this machine does not trust'],
    ['another host name', { ALIBABA_CLOUD_REGION_ID: MISMATCH.region, NODE_EXTRA_CA_CERTS: TEST_CA }, MISMATCH.host, 'issued for another host name'],
    ['an expired certificate', { ALIBABA_CLOUD_REGION_ID: EXPIRED.region, NODE_EXTRA_CA_CERTS: TEST_CA }, EXPIRED.host, 'expired'],
  ])('refuses %s once, saying "certificate" and how to add a company CA', async (_name, env: Record<string, string>, host, problem) => {
    const before = proxy.requests.length;
    const answer = await call({ HTTPS_PROXY: proxy.url, DBS_MCP_MAX_ATTEMPTS: '3', ...env });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(new RegExp(`^CertificateError: the TLS certificate of ${host} was refused: ${problem} \\(`));
    expect(answer.text).toContain('NODE_EXTRA_CA_CERTS=/path/to/company-ca.pem');
    // Not retried: one tunnel for the whole call.
    expect(proxy.requests.length - before).toBe(1);
  });
});
