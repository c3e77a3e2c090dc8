import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type OpenApiExports from '@alicloud/openapi-client';
import type TeaUtilExports from '@alicloud/tea-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLANS, TEST_CREDENTIALS, makeTasks } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import type { Fault, RawTask, SimCredential, Simulator } from '../../sim/simulator.js';

// Loaded with require(): for `import X from` a CJS module, Node gives module.exports but vitest gives
// exports.default (the client class alone), so no one import form works in both.
const require = createRequire(import.meta.url);
const OpenApi = require('@alicloud/openapi-client') as typeof OpenApiExports;
const Util = require('@alicloud/tea-util') as typeof TeaUtilExports;

const ACTION = 'DescribeBackupSetDownloadTaskList';
const VERSION = '2019-03-06';
const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const PLAN = 'dbs1pagetest01';
const OTHER_PLAN = 'dbs1otherplan1';
const EMPTY_PLAN = 'dbs1emptyplan0';
const PLAN_TASKS = makeTasks({ planId: PLAN, count: 75 });
const OTHER_TASKS = makeTasks({ planId: OTHER_PLAN, count: 3 });
const STS_CREDENTIAL: SimCredential = {
  accessKeyId: 'STS.NSimTemporaryKey0001',
  accessKeySecret: 'sim-sts-secret-5e1d',
  securityToken: 'CAIS-sim-security-token-7f3a9c',
};

// ---- a signer of our own, written from the ACS3-HMAC-SHA256 recipe, independent of the simulator ----

function pct(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface SignOptions {
  query?: Record<string, string>;
  method?: string;
  body?: string;
  credential?: SimCredential;
  /** Replaces or adds signed headers; a value of undefined leaves the header out entirely. */
  headers?: Record<string, string | undefined>;
  /** Headers left out of SignedHeaders but still sent. */
  unsignedNames?: string[];
  /** Skip the x-acs-security-token header even for a credential that has a token. */
  omitToken?: boolean;
}

function signRequest(sim: Simulator, options: SignOptions = {}): Record<string, string> {
  const credential = options.credential ?? TEST_CREDENTIALS;
  const candidate: Record<string, string | undefined> = {
    host: sim.endpoint,
    'x-acs-action': ACTION,
    'x-acs-version': VERSION,
    'x-acs-date': isoSeconds(Date.now()),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': sha256Hex(options.body ?? ''),
    'x-acs-security-token': credential.securityToken && !options.omitToken ? credential.securityToken : undefined,
    ...options.headers,
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(candidate)) if (value !== undefined) headers[name] = value;
  const unsigned = new Set(options.unsignedNames ?? []);
  const signedNames = Object.keys(headers)
    .filter((name) => !unsigned.has(name))
    .sort();
  const canonicalQuery = Object.entries(options.query ?? {})
    .map(([k, v]) => `${pct(k)}=${pct(v)}`)
    .sort()
    .join('&');
  const canonicalHeaders = signedNames.map((name) => `${name}:${(headers[name] ?? '').trim()}\n`).join('');
  const canonicalRequest = [options.method ?? 'POST', '/', canonicalQuery, canonicalHeaders, signedNames.join(';'), sha256Hex(options.body ?? '')].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', credential.accessKeySecret).update(stringToSign).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${credential.accessKeyId},SignedHeaders=${signedNames.join(';')},Signature=${signature}`;
  return headers;
}

interface RawResult {
  status: number | undefined;
  headers: IncomingHttpHeaders | undefined;
  text: string;
  /** The whole body arrived. */
  complete: boolean;
  timedOut: boolean;
  error: NodeJS.ErrnoException | undefined;
  elapsedMs: number;
}

interface RawOptions {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** One request on a fresh connection; never rejects, so hangs, resets and stalls can be asserted alike. */
function rawRequest(sim: Simulator, options: RawOptions = {}): Promise<RawResult> {
  const started = Date.now();
  const search = Object.entries(options.query ?? {})
    .map(([k, v]) => `${pct(k)}=${pct(v)}`)
    .join('&');
  const path = `${options.path ?? '/'}${search ? `?${search}` : ''}`;
  const url = new URL(sim.url);
  return new Promise((resolve) => {
    const result: RawResult = {
      status: undefined,
      headers: undefined,
      text: '',
      complete: false,
      timedOut: false,
      error: undefined,
      elapsedMs: 0,
    };
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      result.elapsedMs = Date.now() - started;
      resolve(result);
    };
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'POST',
        path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        result.status = res.statusCode;
        result.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          result.text += chunk;
        });
        res.on('end', () => {
          result.complete = true;
          finish();
        });
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      result.timedOut = true;
      req.destroy();
      finish();
    }, options.timeoutMs ?? 5000);
    req.on('error', (error: NodeJS.ErrnoException) => {
      result.error ??= error;
      finish();
    });
    req.end(options.body ?? '');
  });
}

/** Signs with our own signer and sends. */
function signedRequest(sim: Simulator, options: SignOptions & { timeoutMs?: number; path?: string } = {}): Promise<RawResult> {
  return rawRequest(sim, {
    method: options.method ?? 'POST',
    path: options.path,
    query: options.query,
    headers: signRequest(sim, options),
    body: options.body,
    timeoutMs: options.timeoutMs,
  });
}

function json(result: RawResult): Record<string, unknown> {
  return JSON.parse(result.text) as Record<string, unknown>;
}

function detailList(body: Record<string, unknown>): RawTask[] {
  const items = body.Items as { BackupSetDownloadTaskDetail: RawTask[] };
  return items.BackupSetDownloadTaskDetail;
}

/** A fixture task as a client sees it after JSON.parse: int64 ids arrive as (possibly rounded) numbers. */
function asParsed(tasks: Array<RawTask | undefined>): RawTask[] {
  return tasks.map((task) => {
    const gateway = task?.BackupGatewayId;
    return typeof gateway === 'string' && /^\d+$/.test(gateway) ? { ...task, BackupGatewayId: Number(gateway) } : { ...task };
  });
}

function ids(tasks: RawTask[]): unknown[] {
  return tasks.map((t) => t.BackupSetDownloadTaskId);
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---- the real SDK ----

function sdkClient(sim: Simulator, credential: SimCredential): InstanceType<typeof OpenApi.default> {
  return new OpenApi.default(
    new OpenApi.Config({
      accessKeyId: credential.accessKeyId,
      accessKeySecret: credential.accessKeySecret,
      securityToken: credential.securityToken,
      endpoint: sim.endpoint,
      protocol: 'HTTP',
      regionId: 'cn-hangzhou',
    }),
  );
}

async function sdkCall(
  sim: Simulator,
  credential: SimCredential,
  query: Record<string, string>,
): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const params = new OpenApi.Params({
    action: ACTION,
    version: VERSION,
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const response = (await sdkClient(sim, credential).callApi(
    params,
    new OpenApi.OpenApiRequest({ query }),
    new Util.RuntimeOptions({ readTimeout: 3000, connectTimeout: 3000 }),
  )) as { statusCode: number; body: Record<string, unknown> };
  return response;
}

interface SdkError {
  code: string;
  statusCode: number;
  data: Record<string, unknown>;
}

async function sdkFailure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

describe('the DBS simulator', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ plans: { [PLAN]: PLAN_TASKS, [OTHER_PLAN]: OTHER_TASKS, [EMPTY_PLAN]: [] } });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.clearFaults();
    sim.setItemsShape('wrapped');
    sim.setLatency(0);
  });

  describe('with the real @alicloud/openapi-client', () => {
    it('accepts a V3-signed call and answers the first page', async () => {
      const before = sim.requests.length;
      const { statusCode, body } = await sdkCall(sim, TEST_CREDENTIALS, { BackupPlanId: PLAN });

      expect(statusCode).toBe(200);
      expect(body).toMatchObject({
        Success: true,
        HttpStatusCode: 200,
        PageSize: 30,
        PageNum: 0,
        TotalElements: 75,
        TotalPages: 3,
      });
      expect(body.RequestId).toMatch(UUID_UPPER);
      expect(ids(detailList(body))).toEqual(ids(PLAN_TASKS.slice(0, 30)));

      const recorded = sim.requests.slice(before);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        method: 'POST',
        path: '/',
        action: ACTION,
        status: 200,
        code: undefined,
        pageNum: 0,
        query: { BackupPlanId: PLAN },
      });
      expect(recorded[0]?.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI5tSimTestKeyId0001,/);
      // Config.regionId never reaches the wire.
      expect(recorded[0]?.query).not.toHaveProperty('RegionId');
    });

    it('accepts an STS credential whose token the simulator knows', async () => {
      sim.addCredential(STS_CREDENTIAL);
      const { statusCode, body } = await sdkCall(sim, STS_CREDENTIAL, { BackupPlanId: OTHER_PLAN });

      expect(statusCode).toBe(200);
      expect(ids(detailList(body))).toEqual(ids(OTHER_TASKS));
      expect(sim.requests.at(-1)?.headers['x-acs-security-token']).toBe(STS_CREDENTIAL.securityToken);
    });

    it('refuses an STS call carrying a different token', async () => {
      sim.addCredential(STS_CREDENTIAL);
      const error = await sdkFailure(sdkCall(sim, { ...STS_CREDENTIAL, securityToken: 'CAIS-stale-token' }, { BackupPlanId: PLAN }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('InvalidSecurityToken.Mismatch');
    });

    it('refuses a wrong secret with SignatureDoesNotMatch and never echoes a secret', async () => {
      const wrongSecret = 'not-the-secret-3f1e';
      const error = await sdkFailure(sdkCall(sim, { ...TEST_CREDENTIALS, accessKeySecret: wrongSecret }, { BackupPlanId: PLAN }));

      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('SignatureDoesNotMatch');
      expect(error.data.Message).toMatch(/^Specified signature is not matched with our calculation\./);
      const wire = JSON.stringify(error.data);
      expect(wire).not.toContain(wrongSecret);
      expect(wire).not.toContain(TEST_CREDENTIALS.accessKeySecret);
      expect(sim.requests.at(-1)).toMatchObject({ status: 400, code: 'SignatureDoesNotMatch' });
    });

    it('refuses an unknown AccessKeyId with InvalidAccessKeyId.NotFound', async () => {
      const error = await sdkFailure(sdkCall(sim, { accessKeyId: 'LTAI5tNobodyKnowsMe', accessKeySecret: 'x' }, { BackupPlanId: PLAN }));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('InvalidAccessKeyId.NotFound');
    });

    it('reports a gateway fault to the SDK as a coded error (Throttling.User)', async () => {
      sim.addFault({ kind: 'throttling', times: 1 });
      const error = await sdkFailure(sdkCall(sim, TEST_CREDENTIALS, { BackupPlanId: PLAN }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('Throttling.User');
    });
  });

  describe('signature verification', () => {
    it('accepts our own signer, GET as well as POST', async () => {
      for (const method of ['POST', 'GET']) {
        const result = await signedRequest(sim, { method, query: { BackupPlanId: OTHER_PLAN } });
        expect(result.status, method).toBe(200);
        expect(json(result).TotalElements).toBe(3);
      }
    });

    it('refuses a replayed request (same nonce) with SignatureNonceUsed', async () => {
      const headers = signRequest(sim, { query: { BackupPlanId: PLAN } });
      const first = await rawRequest(sim, { query: { BackupPlanId: PLAN }, headers });
      const replay = await rawRequest(sim, { query: { BackupPlanId: PLAN }, headers });

      expect(first.status).toBe(200);
      expect(replay.status).toBe(400);
      expect(json(replay)).toMatchObject({ Code: 'SignatureNonceUsed', RequestId: expect.stringMatching(UUID_UPPER) });
    });

    const rejections: Array<{ name: string; send: (s: Simulator) => Promise<RawResult>; status: number; code: string }> = [
      {
        name: 'no Authorization header',
        send: (s) => rawRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-action': ACTION } }),
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'a garbled Authorization header',
        send: (s) => {
          const headers = signRequest(s, { query: { BackupPlanId: PLAN } });
          return rawRequest(s, { query: { BackupPlanId: PLAN }, headers: { ...headers, authorization: 'ACS3-HMAC-SHA256 garbage' } });
        },
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'another algorithm',
        send: (s) => {
          const headers = signRequest(s, { query: { BackupPlanId: PLAN } });
          const authorization = (headers.authorization ?? '').replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3');
          return rawRequest(s, { query: { BackupPlanId: PLAN }, headers: { ...headers, authorization } });
        },
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'an x-acs-* header sent but not signed',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-extra': 'sneaky' }, unsignedNames: ['x-acs-extra'] }),
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'the host header not signed',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, unsignedNames: ['host'] }),
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'no x-acs-content-sha256',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-content-sha256': undefined } }),
        status: 400,
        code: 'IncompleteSignature',
      },
      {
        name: 'x-acs-content-sha256 not matching the body',
        send: (s) => {
          const headers = signRequest(s, { query: { BackupPlanId: PLAN }, body: '' });
          return rawRequest(s, { query: { BackupPlanId: PLAN }, headers, body: 'PageNum=1' });
        },
        status: 400,
        code: 'SignatureDoesNotMatch',
      },
      {
        name: 'a query changed after signing',
        send: (s) => {
          const headers = signRequest(s, { query: { BackupPlanId: PLAN, PageNum: '0' } });
          return rawRequest(s, { query: { BackupPlanId: PLAN, PageNum: '1' }, headers });
        },
        status: 400,
        code: 'SignatureDoesNotMatch',
      },
      {
        name: 'a signed header changed after signing',
        send: (s) => {
          const headers = signRequest(s, { query: { BackupPlanId: PLAN } });
          return rawRequest(s, { query: { BackupPlanId: PLAN }, headers: { ...headers, 'x-acs-version': '2019-03-07' } });
        },
        status: 400,
        code: 'SignatureDoesNotMatch',
      },
      {
        name: 'a date 20 minutes old',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-date': isoSeconds(Date.now() - 20 * 60_000) } }),
        status: 400,
        code: 'InvalidTimeStamp.Expired',
      },
      {
        name: 'a date 20 minutes ahead',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-date': isoSeconds(Date.now() + 20 * 60_000) } }),
        status: 400,
        code: 'InvalidTimeStamp.Expired',
      },
      {
        name: 'no date',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-date': undefined } }),
        status: 400,
        code: 'InvalidTimeStamp.Expired',
      },
      {
        name: 'a date that is not ISO 8601',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-date': 'Sat, 28 Nov 2026 09:30:00 GMT' } }),
        status: 400,
        code: 'InvalidTimeStamp.Format',
      },
      {
        name: 'no nonce',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-signature-nonce': undefined } }),
        status: 400,
        code: 'MissingSignatureNonce',
      },
      {
        name: 'an STS key without its token',
        send: (s) => {
          s.addCredential(STS_CREDENTIAL);
          return signedRequest(s, { query: { BackupPlanId: PLAN }, credential: STS_CREDENTIAL, omitToken: true });
        },
        status: 400,
        code: 'InvalidSecurityToken.Missing',
      },
      {
        name: 'another action',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-action': 'DeleteBackupPlan' } }),
        status: 404,
        code: 'InvalidAction.NotFound',
      },
      {
        name: 'another API version',
        send: (s) => signedRequest(s, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-version': '2021-01-01' } }),
        status: 400,
        code: 'InvalidVersion',
      },
      {
        name: 'a path other than /',
        send: (s) => signedRequest(s, { path: '/v2/tasks', query: { BackupPlanId: PLAN } }),
        status: 404,
        code: 'NotFound',
      },
    ];

    it.each(rejections)('refuses $name with $status $code, and records it', async ({ send, status, code }) => {
      const result = await send(sim);

      expect(result.status).toBe(status);
      expect(result.headers?.['content-type']).toBe('application/json;charset=utf-8');
      const body = json(result);
      expect(body).toMatchObject({ Code: code, RequestId: expect.stringMatching(UUID_UPPER), HostId: expect.any(String) });
      expect(body.Message).toEqual(expect.any(String));
      expect(body.Recommend).toContain(`q=${code}`);
      expect(sim.requests.at(-1)).toMatchObject({ status, code });
    });

    it('honours maxClockSkewMs', async () => {
      const strict = await startSimulator({ plans: { [PLAN]: PLAN_TASKS }, maxClockSkewMs: 2000 });
      try {
        const late = await signedRequest(strict, { query: { BackupPlanId: PLAN }, headers: { 'x-acs-date': isoSeconds(Date.now() - 10_000) } });
        const fresh = await signedRequest(strict, { query: { BackupPlanId: PLAN } });
        expect(json(late).Code).toBe('InvalidTimeStamp.Expired');
        expect(fresh.status).toBe(200);
      } finally {
        await strict.close();
      }
    });

    it('accepts credentials added at run time', async () => {
      const extra = { accessKeyId: 'LTAI5tSimLateKey0002', accessKeySecret: 'late-secret-9d' };
      const before = await signedRequest(sim, { query: { BackupPlanId: PLAN }, credential: extra });
      sim.addCredential(extra);
      const after = await signedRequest(sim, { query: { BackupPlanId: PLAN }, credential: extra });
      expect(json(before).Code).toBe('InvalidAccessKeyId.NotFound');
      expect(after.status).toBe(200);
    });

    it('refuses a key once it is retired', async () => {
      const rotated = { accessKeyId: 'STS.NSimRotatedKey0003', accessKeySecret: 'rotated-secret-4c', securityToken: 'rotated-token-8e' };
      sim.addCredential(rotated);
      const before = await signedRequest(sim, { query: { BackupPlanId: PLAN }, credential: rotated });
      sim.removeCredential(rotated.accessKeyId);
      const after = await signedRequest(sim, { query: { BackupPlanId: PLAN }, credential: rotated });
      expect(before.status).toBe(200);
      expect(json(after).Code).toBe('InvalidAccessKeyId.NotFound');
    });

    it('records a RegionId that arrives in the query, and otherwise ignores it', async () => {
      const result = await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN, RegionId: 'cn-hangzhou' } });
      expect(result.status).toBe(200);
      expect(sim.requests.at(-1)?.query).toEqual({ BackupPlanId: OTHER_PLAN, RegionId: 'cn-hangzhou' });
    });

    it('verifies values that need percent-encoding, with empty values kept as k=', async () => {
      const query = { BackupPlanId: OTHER_PLAN, ClientToken: "it's (a) token*! ~ 下载", PageNum: '' };
      const result = await signedRequest(sim, { query });
      expect(result.status).toBe(200);
      expect(json(result)).toMatchObject({ PageNum: 0, TotalElements: 3 });
      expect(sim.requests.at(-1)?.query).toEqual(query);
    });
  });

  describe('paging and lookup', () => {
    const pages: Array<{ query: Record<string, string>; pageSize: number; pageNum: number; totalPages: number; from: number; to: number }> = [
      { query: {}, pageSize: 30, pageNum: 0, totalPages: 3, from: 0, to: 30 },
      { query: { PageNum: '1' }, pageSize: 30, pageNum: 1, totalPages: 3, from: 30, to: 60 },
      { query: { PageNum: '2' }, pageSize: 30, pageNum: 2, totalPages: 3, from: 60, to: 75 },
      { query: { PageSize: '50' }, pageSize: 50, pageNum: 0, totalPages: 2, from: 0, to: 50 },
      { query: { PageSize: '50', PageNum: '1' }, pageSize: 50, pageNum: 1, totalPages: 2, from: 50, to: 75 },
      { query: { PageSize: '100' }, pageSize: 100, pageNum: 0, totalPages: 1, from: 0, to: 75 },
    ];

    it.each(pages)('serves PageSize=$pageSize PageNum=$pageNum (zero-based)', async ({ query, pageSize, pageNum, totalPages, from, to }) => {
      const body = json(await signedRequest(sim, { query: { BackupPlanId: PLAN, ...query } }));
      expect(body).toMatchObject({ Success: true, PageSize: pageSize, PageNum: pageNum, TotalElements: 75, TotalPages: totalPages });
      expect(ids(detailList(body))).toEqual(ids(PLAN_TASKS.slice(from, to)));
    });

    it.each([{ pageNum: '3' }, { pageNum: '99' }])('answers Items "" past the last page (PageNum=$pageNum)', async ({ pageNum }) => {
      const body = json(await signedRequest(sim, { query: { BackupPlanId: PLAN, PageNum: pageNum } }));
      expect(body).toMatchObject({ Success: true, PageNum: Number(pageNum), TotalElements: 75, TotalPages: 3, Items: '' });
    });

    it('answers an empty plan with zero totals and Items ""', async () => {
      const body = json(await signedRequest(sim, { query: { BackupPlanId: EMPTY_PLAN } }));
      expect(body).toMatchObject({ Success: true, TotalElements: 0, TotalPages: 0, Items: '', PageSize: 30, PageNum: 0 });
    });

    const invalid: Array<{ query: Record<string, string>; code: string; message: string }> = [
      { query: {}, code: 'Param.NotFound', message: 'The specified parameter BackupPlanId value is not valid.' },
      { query: { BackupPlanId: 'dbs1nosuchplan' }, code: 'Param.NotFound', message: 'The specified parameter BackupPlanId value is not valid.' },
      ...['20', '0', '30.0', 'abc', '-30'].map((size) => ({
        query: { BackupPlanId: PLAN, PageSize: size },
        code: 'InvalidParameter.PageSize',
        message: 'The specified parameter PageSize value is not valid.',
      })),
      ...['-1', '1.5', 'x'].map((num) => ({
        query: { BackupPlanId: PLAN, PageNum: num },
        code: 'InvalidParameter.PageNum',
        message: 'The specified parameter PageNum value is not valid.',
      })),
    ];

    it.each(invalid)('answers HTTP 200 Success:false $code for $query', async ({ query, code, message }) => {
      const result = await signedRequest(sim, { query });
      expect(result.status).toBe(200);
      expect(json(result)).toEqual({
        Success: false,
        ErrCode: code,
        ErrMessage: message,
        HttpStatusCode: 400,
        RequestId: expect.stringMatching(UUID_UPPER),
      });
      expect(sim.requests.at(-1)).toMatchObject({ status: 200, code });
    });

    it('finds one task by BackupSetDownloadTaskId across plans, or within the given plan', async () => {
      const target = OTHER_TASKS[1] as RawTask;
      const taskId = String(target.BackupSetDownloadTaskId);

      const anywhere = json(await signedRequest(sim, { query: { BackupSetDownloadTaskId: taskId } }));
      expect(anywhere).toMatchObject({ Success: true, TotalElements: 1, TotalPages: 1 });
      expect(detailList(anywhere)).toEqual(asParsed([target]));

      const inPlan = json(await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN, BackupSetDownloadTaskId: taskId } }));
      expect(ids(detailList(inPlan))).toEqual([taskId]);

      const wrongPlan = json(await signedRequest(sim, { query: { BackupPlanId: PLAN, BackupSetDownloadTaskId: taskId } }));
      expect(wrongPlan).toMatchObject({ Success: true, TotalElements: 0, TotalPages: 0, Items: '' });

      const unknown = json(await signedRequest(sim, { query: { BackupSetDownloadTaskId: 'dbstk9999nosuch' } }));
      expect(unknown).toMatchObject({ Success: true, TotalElements: 0, Items: '' });
    });

    it('serves plans replaced with setPlan', async () => {
      const replacement = makeTasks({ planId: 'dbs1lateplan01', count: 2, seed: 7 });
      const before = json(await signedRequest(sim, { query: { BackupPlanId: 'dbs1lateplan01' } }));
      sim.setPlan('dbs1lateplan01', replacement);
      const after = json(await signedRequest(sim, { query: { BackupPlanId: 'dbs1lateplan01' } }));
      expect(before.ErrCode).toBe('Param.NotFound');
      expect(ids(detailList(after))).toEqual(ids(replacement));
    });
  });

  describe('Items shapes', () => {
    const oneTaskId = String(OTHER_TASKS[0]?.BackupSetDownloadTaskId);

    it('wraps a page in BackupSetDownloadTaskDetail by default, even for one item', async () => {
      const body = json(await signedRequest(sim, { query: { BackupSetDownloadTaskId: oneTaskId } }));
      expect(body.Items).toEqual({ BackupSetDownloadTaskDetail: asParsed([OTHER_TASKS[0]]) });
    });

    it('can answer a bare array', async () => {
      sim.setItemsShape('array');
      const body = json(await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN } }));
      expect(body.Items).toEqual(asParsed(OTHER_TASKS));
    });

    it('can answer a single item as an object, and longer pages still as a list', async () => {
      sim.setItemsShape('single-object');
      const single = json(await signedRequest(sim, { query: { BackupSetDownloadTaskId: oneTaskId } }));
      const several = json(await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN } }));
      expect(single.Items).toEqual({ BackupSetDownloadTaskDetail: asParsed([OTHER_TASKS[0]])[0] });
      expect(several.Items).toEqual({ BackupSetDownloadTaskDetail: asParsed(OTHER_TASKS) });
    });

    it('uses the itemsShape option at start', async () => {
      const arraySim = await startSimulator({ plans: { [OTHER_PLAN]: OTHER_TASKS }, itemsShape: 'array' });
      try {
        expect(json(await signedRequest(arraySim, { query: { BackupPlanId: OTHER_PLAN } })).Items).toEqual(asParsed(OTHER_TASKS));
      } finally {
        await arraySim.close();
      }
    });
  });

  describe('int64 BackupGatewayId', () => {
    it('writes it as a bare integer literal, past 2^53 too, so naive JSON.parse loses digits', async () => {
      const base = OTHER_TASKS[0] as RawTask;
      sim.setPlan('dbs1gatewayids', [
        { ...base, BackupSetDownloadTaskId: 'dbstkbig', BackupGatewayId: '9223372036854775001' },
        { ...base, BackupSetDownloadTaskId: 'dbstksmall', BackupGatewayId: '2134324232134' },
        { ...base, BackupSetDownloadTaskId: 'dbstkodd', BackupGatewayId: 'gw-not-a-number' },
      ]);
      const result = await signedRequest(sim, { query: { BackupPlanId: 'dbs1gatewayids' } });

      expect(result.text).toContain('"BackupGatewayId":9223372036854775001,');
      expect(result.text).toContain('"BackupGatewayId":2134324232134,');
      expect(result.text).toContain('"BackupGatewayId":"gw-not-a-number",');
      const [big, small] = detailList(json(result));
      expect(typeof big?.BackupGatewayId).toBe('number');
      expect(String(big?.BackupGatewayId)).not.toBe('9223372036854775001');
      expect(small?.BackupGatewayId).toBe(2134324232134);
    });
  });

  describe('faults', () => {
    const replying: Array<{ fault: Fault; status: number; contentType: string; check: (text: string) => void }> = [
      {
        fault: { kind: 'throttling' },
        status: 400,
        contentType: 'application/json;charset=utf-8',
        check: (text) =>
          expect(JSON.parse(text)).toEqual({
            Code: 'Throttling.User',
            Message: 'Request was denied due to user flow control.',
            RequestId: expect.stringMatching(UUID_UPPER),
            HostId: expect.any(String),
            Recommend: expect.stringContaining('q=Throttling.User'),
          }),
      },
      {
        fault: { kind: 'server-error' },
        status: 500,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(JSON.parse(text)).toMatchObject({ Code: 'InternalError', Message: expect.any(String), HostId: expect.any(String) }),
      },
      {
        fault: { kind: 'service-unavailable' },
        status: 503,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(JSON.parse(text)).toMatchObject({ Code: 'ServiceUnavailable', RequestId: expect.stringMatching(UUID_UPPER) }),
      },
      {
        fault: { kind: 'forbidden' },
        status: 403,
        contentType: 'application/json;charset=utf-8',
        check: (text) =>
          expect(JSON.parse(text)).toMatchObject({
            Code: 'Forbidden.RAM',
            Message: expect.any(String),
            RequestId: expect.stringMatching(UUID_UPPER),
            AccessDeniedDetail: {
              AuthAction: 'dbs:DescribeBackupSetDownloadTaskList',
              NoPermissionType: 'ImplicitDeny',
              PolicyType: 'AccountLevelIdentityBasedPolicy',
              AuthPrincipalType: 'SubUser',
              AuthPrincipalDisplayName: expect.any(String),
              AuthPrincipalOwnerId: expect.any(String),
              EncodedDiagnosticMessage: expect.any(String),
            },
          }),
      },
      {
        fault: { kind: 'business-error' },
        status: 200,
        contentType: 'application/json;charset=utf-8',
        check: (text) =>
          expect(JSON.parse(text)).toEqual({
            Success: false,
            ErrCode: 'Param.NotFound',
            ErrMessage: expect.any(String),
            HttpStatusCode: 400,
            RequestId: expect.stringMatching(UUID_UPPER),
          }),
      },
      {
        fault: { kind: 'business-error', code: 'InternalError.Busy', message: 'try later' },
        status: 200,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(JSON.parse(text)).toMatchObject({ Success: false, ErrCode: 'InternalError.Busy', ErrMessage: 'try later' }),
      },
      {
        fault: { kind: 'dbs-4xx' },
        status: 400,
        contentType: 'application/json;charset=utf-8',
        check: (text) => {
          const body = JSON.parse(text) as Record<string, unknown>;
          expect(body).toMatchObject({ Success: false, ErrCode: expect.any(String), ErrMessage: expect.any(String), HttpStatusCode: 400 });
          expect(body).not.toHaveProperty('Code');
        },
      },
      {
        fault: { kind: 'dbs-4xx', status: 404, code: 'Param.NotFound' },
        status: 404,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(JSON.parse(text)).toMatchObject({ ErrCode: 'Param.NotFound', HttpStatusCode: 404 }),
      },
      {
        fault: { kind: 'html' },
        status: 502,
        contentType: 'text/html',
        check: (text) => {
          expect(text).toContain('<title>502 Bad Gateway</title>');
          expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
        },
      },
      {
        fault: { kind: 'html', status: 504 },
        status: 504,
        contentType: 'text/html',
        check: (text) => expect(text).toContain('504 Gateway Timeout'),
      },
      {
        fault: { kind: 'empty-body' },
        status: 200,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(text).toBe(''),
      },
      {
        fault: { kind: 'json-array' },
        status: 200,
        contentType: 'application/json;charset=utf-8',
        check: (text) => expect(text).toBe('[]'),
      },
    ];

    it.each(replying)('$fault.kind ($status) answers as the real thing', async ({ fault, status, contentType, check }) => {
      sim.addFault(fault);
      const result = await signedRequest(sim, { query: { BackupPlanId: PLAN } });

      expect(result.status).toBe(status);
      expect(result.complete).toBe(true);
      expect(result.headers?.['content-type']).toBe(contentType);
      check(result.text);
      expect(sim.requests.at(-1)?.status).toBe(status);
    });

    it('hang: never answers, and the client times out', async () => {
      sim.addFault({ kind: 'hang' });
      const result = await signedRequest(sim, { query: { BackupPlanId: PLAN }, timeoutMs: 300 });

      expect(result.timedOut).toBe(true);
      expect(result.status).toBeUndefined();
      expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
      expect(sim.requests.at(-1)).toMatchObject({ status: 0, code: undefined });
    });

    it('reset: drops the connection without an answer', async () => {
      sim.addFault({ kind: 'reset' });
      const result = await signedRequest(sim, { query: { BackupPlanId: PLAN }, timeoutMs: 2000 });

      expect(result.timedOut).toBe(false);
      expect(result.status).toBeUndefined();
      expect(result.error?.code).toBe('ECONNRESET');
    });

    it('stall-body: sends 200 headers and part of the JSON, then nothing', async () => {
      sim.addFault({ kind: 'stall-body' });
      const result = await signedRequest(sim, { query: { BackupPlanId: PLAN }, timeoutMs: 400 });

      expect(result.status).toBe(200);
      expect(result.timedOut).toBe(true);
      expect(result.complete).toBe(false);
      expect(result.text.startsWith('{"RequestId":"')).toBe(true);
      expect(Number(result.headers?.['content-length'])).toBeGreaterThan(Buffer.byteLength(result.text));
      expect(() => JSON.parse(result.text) as unknown).toThrow(SyntaxError);
    });

    it('applies a fault `times` times, then answers normally', async () => {
      const before = sim.requests.length;
      sim.addFault({ kind: 'server-error', times: 2 });
      const statuses: Array<number | undefined> = [];
      for (let i = 0; i < 3; i++) statuses.push((await signedRequest(sim, { query: { BackupPlanId: PLAN } })).status);

      expect(statuses).toEqual([500, 500, 200]);
      expect(sim.requests.slice(before).map((r) => r.code)).toEqual(['InternalError', 'InternalError', undefined]);
    });

    it('keeps a fault without `times` until clearFaults()', async () => {
      sim.addFault({ kind: 'service-unavailable' });
      const statuses: Array<number | undefined> = [];
      for (let i = 0; i < 3; i++) statuses.push((await signedRequest(sim, { query: { BackupPlanId: PLAN } })).status);
      sim.clearFaults();
      statuses.push((await signedRequest(sim, { query: { BackupPlanId: PLAN } })).status);

      expect(statuses).toEqual([503, 503, 503, 200]);
    });

    it('applies a `pageNum` fault only to that page, first matching fault first', async () => {
      sim.addFault({ kind: 'html', pageNum: 2, times: 1 });
      sim.addFault({ kind: 'throttling', times: 1 });
      const page = async (n: number): Promise<number | undefined> => (await signedRequest(sim, { query: { BackupPlanId: PLAN, PageNum: String(n) } })).status;

      expect(await page(0)).toBe(400); // html waits for page 2; throttling takes page 0
      expect(await page(1)).toBe(200);
      expect(await page(2)).toBe(502);
      expect(await page(2)).toBe(200);
      expect(sim.requests.at(-2)?.pageNum).toBe(2);
    });

    it('applies faults only after a request is verified', async () => {
      sim.addFault({ kind: 'server-error', times: 1 });
      const forged = await signedRequest(sim, { query: { BackupPlanId: PLAN }, credential: { ...TEST_CREDENTIALS, accessKeySecret: 'forged' } });
      const genuine = await signedRequest(sim, { query: { BackupPlanId: PLAN } });

      expect(json(forged).Code).toBe('SignatureDoesNotMatch');
      expect(genuine.status).toBe(500);
    });

    it('rejects a fault with a non-positive `times`', () => {
      expect(() => sim.addFault({ kind: 'throttling', times: 0 })).toThrow(RangeError);
    });
  });

  describe('latency and connections', () => {
    it('adds latency before every answer', async () => {
      sim.setLatency(200);
      const slow = await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN } });
      sim.setLatency(0);
      const fast = await signedRequest(sim, { query: { BackupPlanId: OTHER_PLAN } });

      expect(slow.status).toBe(200);
      expect(slow.elapsedMs).toBeGreaterThanOrEqual(190);
      expect(fast.elapsedMs).toBeLessThan(150);
    });

    it.each([
      { kind: 'hang' as const, status: 0 },
      { kind: 'stall-body' as const, status: 200 },
    ])('openConnections() falls back when a client abandons a $kind request', async ({ kind, status }) => {
      // A simulator of its own: the shared one may still hold the SDK's idle keep-alive sockets.
      const own = await startSimulator({ plans: { [PLAN]: PLAN_TASKS } });
      try {
        own.addFault({ kind, times: 1 });
        expect(own.openConnections()).toBe(0);
        const pending = signedRequest(own, { query: { BackupPlanId: PLAN }, timeoutMs: 300 });

        await waitFor(() => own.requests.length === 1);
        expect(own.openConnections()).toBe(1);
        const result = await pending;
        expect(result.timedOut).toBe(true);
        await waitFor(() => own.openConnections() === 0);
        expect(own.requests[0]?.status).toBe(status);
      } finally {
        await own.close();
      }
    });
  });
});

describe('closing the simulator', () => {
  it('resolves promptly with a hung request and a delayed answer still open', async () => {
    const sim = await startSimulator({ plans: { [PLAN]: PLAN_TASKS } });
    sim.addFault({ kind: 'hang', times: 1 });
    const hung = signedRequest(sim, { query: { BackupPlanId: PLAN }, timeoutMs: 10_000 });
    await waitFor(() => sim.requests.length === 1);
    sim.setLatency(10_000);
    const delayed = signedRequest(sim, { query: { BackupPlanId: PLAN }, timeoutMs: 10_000 });
    await waitFor(() => sim.requests.length === 2 && sim.openConnections() === 2);

    const started = Date.now();
    await sim.close();
    const closeMs = Date.now() - started;
    const [hungResult, delayedResult] = await Promise.all([hung, delayed]);

    expect(closeMs).toBeLessThan(500);
    expect(sim.openConnections()).toBe(0);
    for (const result of [hungResult, delayedResult]) {
      expect(result.timedOut).toBe(false);
      expect(result.status).toBeUndefined();
      expect(result.error).toBeDefined();
      expect(result.elapsedMs).toBeLessThan(2000);
    }
    await expect(sim.close()).resolves.toBeUndefined();
  });

  it('stops listening: new connections are refused', async () => {
    const sim = await startSimulator();
    await sim.close();
    const result = await rawRequest(sim, { timeoutMs: 1000 });
    expect(result.error?.code).toBe('ECONNREFUSED');
  });
});

describe('fixtures', () => {
  it('makeTasks is deterministic and the seed changes the data', () => {
    const options = { planId: 'dbs1fixture001', count: 20, seed: 42 };
    expect(makeTasks(options)).toEqual(makeTasks(options));
    expect(makeTasks({ ...options, seed: 43 })).not.toEqual(makeTasks(options));
  });

  it('gives task ids unique within and across plans, carrying the plan id', () => {
    const a = makeTasks({ planId: 'dbs1fixture001', count: 200 });
    const b = makeTasks({ planId: 'dbs1fixture002', count: 200 });
    const all = ids([...a, ...b]);
    expect(new Set(all).size).toBe(400);
    expect(a.every((t) => t.BackupPlanId === 'dbs1fixture001' && /^dbstk\d{4}[0-9a-z]{6}$/.test(String(t.BackupSetDownloadTaskId)))).toBe(true);
  });

  it('spaces creation times by stepMs from startMs, only roughly newest first', () => {
    const tasks = makeTasks({ planId: 'dbs1fixture003', count: 60, startMs: 1_700_000_000_000, stepMs: 60_000 });
    const created = tasks.map((t) => t.BackupSetDownloadCreateTime as number);
    created.forEach((ms, i) => expect(Math.abs(ms - (1_700_000_000_000 - i * 60_000))).toBeLessThanOrEqual(45_000));
    expect(created.some((ms, i) => i > 0 && ms > (created[i - 1] as number))).toBe(true);
  });

  const demo = DEMO_PLANS.dbs1demoplan01 ?? [];
  const field = (name: string): unknown[] => demo.map((t) => t[name]);

  it('DEMO_PLANS holds a 45-task plan and an empty one', () => {
    expect(Object.keys(DEMO_PLANS).sort()).toEqual(['dbs1demoplan01', 'dbs1emptyplan0']);
    expect(demo).toHaveLength(45);
    expect(DEMO_PLANS.dbs1emptyplan0).toEqual([]);
  });

  it('the demo plan covers every documented status plus mixed-case and unknown ones', () => {
    const statuses = new Set(field('BackupSetDownloadStatus'));
    for (const s of [
      'init',
      'checking',
      'check_pass',
      'schedule',
      'running',
      'pause',
      'stop',
      'finish',
      'failed',
      'warning',
      'caught',
      'Finish',
      'FAILED',
      'archived',
    ]) {
      expect(statuses, s).toContain(s);
    }
  });

  it('the demo plan has int64 gateway ids beyond 2^53 and some missing optional fields', () => {
    const gateways = field('BackupGatewayId').filter((g): g is string => typeof g === 'string');
    const big = gateways.filter((g) => BigInt(g) > 2n ** 53n);
    expect(big.length).toBeGreaterThan(0);
    for (const g of gateways) expect(BigInt(g) < 2n ** 63n - 1n && /^[1-9]\d*$/.test(g)).toBe(true);
    for (const g of big) expect(String(Number(g))).not.toBe(g);
    for (const name of ['BackupGatewayId', 'BackupSetDataSize', 'BackupSetJobType', 'BackupSetDownloadTargetType', 'BackupSetDownloadInternetUrl']) {
      expect(
        demo.some((t) => !(name in t)),
        name,
      ).toBe(true);
    }
  });

  it('demo tasks are internally consistent', () => {
    for (const t of demo) {
      const status = String(t.BackupSetDownloadStatus).toLowerCase();
      const size = t.BackupSetDataSize;
      if (size !== undefined) expect(size).toBeGreaterThanOrEqual(0);
      if (size !== undefined) expect(size).toBeLessThanOrEqual(200 * 1024 ** 3);
      // Every status the tool counts as failed carries an error message; init ones name the failed precheck.
      expect(t.ErrMessage === '', String(t.BackupSetDownloadTaskId)).toBe(!['init', 'stop', 'failed', 'warning', 'caught'].includes(status));
      if (status === 'init') expect(t.ErrMessage).toMatch(/^precheck failed: /);
      const finished = t.BackupSetDownloadFinishTime as number;
      if (['init', 'checking', 'check_pass', 'schedule', 'running', 'pause', 'caught'].includes(status)) expect(finished).toBe(0);
      else expect(finished).toBeGreaterThan(t.BackupSetDownloadCreateTime as number);
      if (status === 'finish' && t.BackupSetDownloadWay === 'manual') {
        expect(t.BackupSetDownloadInternetUrl).toMatch(
          /^https:\/\/dbs-download-[a-z0-9-]+\.oss-[a-z0-9-]+\.aliyuncs\.com\/.+\?Expires=\d+&OSSAccessKeyId=STS\.canary\w+&Signature=canary/,
        );
        expect(t.BackupSetDownloadIntranetUrl).toMatch(/-internal\.aliyuncs\.com\//);
      } else {
        expect(t.BackupSetDownloadInternetUrl ?? '').toBe('');
      }
    }
    expect(demo.some((t) => t.BackupSetDownloadInternetUrl)).toBe(true);
  });
});

describe('task timelines', () => {
  it('moves a task along its steps as they fall due, without changing the tasks it was given', async () => {
    const tasks = makeTasks({ planId: PLAN, count: 3 });
    const original = { ...tasks[1] };
    const taskId = String(tasks[1]!.BackupSetDownloadTaskId);
    const sim = await startSimulator({ plans: { [PLAN]: tasks } });
    try {
      sim.setTaskTimeline(taskId, [
        { afterMs: 300, set: { BackupSetDownloadStatus: 'finish', BackupSetDownloadFinishTime: 1_800_000_000_000 } },
        { afterMs: 0, set: { BackupSetDownloadStatus: 'running' } },
      ]);
      const statusNow = async (): Promise<unknown> => {
        const [task] = detailList(json(await signedRequest(sim, { query: { BackupSetDownloadTaskId: taskId } })));
        return [task?.BackupSetDownloadStatus, task?.BackupSetDownloadFinishTime];
      };
      expect(await statusNow()).toEqual(['running', original.BackupSetDownloadFinishTime]);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await statusNow()).toEqual(['finish', 1_800_000_000_000]);
      // Also as a page of its plan, and the fixture objects stay as they were.
      const page = detailList(json(await signedRequest(sim, { query: { BackupPlanId: PLAN } })));
      expect(page.find((t) => t.BackupSetDownloadTaskId === taskId)?.BackupSetDownloadStatus).toBe('finish');
      expect(tasks[1]).toEqual(original);
    } finally {
      await sim.close();
    }
  });
});
