/**
 * The fault matrix: every failure the API, a gateway or the network produces, driven through the
 * simulator and the built server over stdio, checking the answer's code, the attempts made, the
 * time taken, that the server answers the next call, and that no secret shows anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Fault, type Simulator } from '../../sim/simulator.js';
import { spawnServer, type StdioSession } from '../helpers/stdio.js';

const CANARY = {
  accessKeyId: 'LTAI5tCanaryKeyId0042',
  accessKeySecret: 'CANARY-SECRET-7f3e9a1c5b',
  securityToken: 'CANARY-TOKEN-2d8b4f6a0e',
};
const PLAN = 'dbs1faultplan1';
const TIMEOUT_MS = 400;

let sim: Simulator;
let session: StdioSession;
const outputs: string[] = [];

function canaryEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: CANARY.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: CANARY.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: CANARY.securityToken,
    ALIBABA_CLOUD_DBS_ENDPOINT: endpoint,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    DBS_MCP_TIMEOUT_MS: String(TIMEOUT_MS),
    DBS_MCP_MAX_ATTEMPTS: '3',
    DBS_MCP_LOG_LEVEL: 'debug',
    ...extra,
  };
}

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 40, seed: 3 }) }, credentials: [CANARY] });
  session = await spawnServer(canaryEnv(sim.url));
});

afterAll(async () => {
  if (session) outputs.push(session.stderr());
  await session?.close();
  await sim?.close();
});

async function call(s: StdioSession, args: Record<string, unknown>) {
  const started = performance.now();
  const result = await s.callTool(args);
  outputs.push(JSON.stringify(result));
  return { result, ms: performance.now() - started };
}

interface Case {
  name: string;
  fault: Fault;
  code: string;
  attempts: number;
  text?: RegExp;
  maxMs: number;
}

// Backoff before attempts 2 and 3 is at most 250 + 500 ms.
const RETRY_BUDGET = 750;
const cases: Case[] = [
  {
    name: 'throttling',
    fault: { kind: 'throttling' },
    code: 'Throttling.User',
    attempts: 3,
    text: /after 3 attempts\nNext: .*wait a few seconds/,
    maxMs: RETRY_BUDGET + 1500,
  },
  { name: 'HTTP 500 InternalError', fault: { kind: 'server-error' }, code: 'InternalError', attempts: 3, text: /HTTP 500/, maxMs: RETRY_BUDGET + 1500 },
  {
    name: 'HTTP 503 ServiceUnavailable',
    fault: { kind: 'service-unavailable' },
    code: 'ServiceUnavailable',
    attempts: 3,
    text: /HTTP 503/,
    maxMs: RETRY_BUDGET + 1500,
  },
  {
    name: 'HTML gateway page',
    fault: { kind: 'html', status: 502 },
    code: 'BadResponse',
    attempts: 3,
    text: /HTTP 502 with a non-JSON body \(text\/html\)/,
    maxMs: RETRY_BUDGET + 1500,
  },
  { name: 'empty body', fault: { kind: 'empty-body' }, code: 'BadResponse', attempts: 3, text: /empty body/, maxMs: RETRY_BUDGET + 1500 },
  { name: 'connection reset', fault: { kind: 'reset' }, code: 'NetworkError', attempts: 3, text: /ECONNRESET/, maxMs: RETRY_BUDGET + 1500 },
  {
    name: 'hang',
    fault: { kind: 'hang' },
    code: 'Timeout',
    attempts: 3,
    text: new RegExp(`within ${TIMEOUT_MS} ms \\(DBS_MCP_TIMEOUT_MS\\)`),
    maxMs: RETRY_BUDGET + 3 * TIMEOUT_MS + 1500,
  },
  { name: 'stalled body', fault: { kind: 'stall-body' }, code: 'Timeout', attempts: 3, text: /within 400 ms/, maxMs: RETRY_BUDGET + 3 * TIMEOUT_MS + 1500 },
  {
    name: '403 Forbidden.RAM',
    fault: { kind: 'forbidden' },
    code: 'Forbidden.RAM',
    attempts: 1,
    text: /HTTP 403, request id [0-9A-F-]+\nNext: Grant the RAM identity the action dbs:DescribeBackupSetDownloadTaskList/,
    maxMs: 1500,
  },
  {
    name: 'Success:false Param.NotFound',
    fault: { kind: 'business-error', code: 'Param.NotFound' },
    code: 'Param.NotFound',
    attempts: 1,
    text: /Next: Check backupPlanId/,
    maxMs: 1500,
  },
  {
    name: 'Success:false InvalidParameter',
    fault: { kind: 'business-error', code: 'InvalidParameter.PageNum', message: 'The specified parameter PageNum value is not valid.' },
    code: 'InvalidParameter.PageNum',
    attempts: 1,
    text: /PageNum value is not valid/,
    maxMs: 1500,
  },
  { name: 'ErrCode body on HTTP 400', fault: { kind: 'dbs-4xx', code: 'Param.NotFound' }, code: 'Param.NotFound', attempts: 1, text: /HTTP 400/, maxMs: 1500 },
  { name: 'JSON array body', fault: { kind: 'json-array' }, code: 'BadResponse', attempts: 1, text: /not an object/, maxMs: 1500 },
];

describe('fault matrix over stdio', () => {
  it.each(cases)('$name -> $code after $attempts attempt(s)', async ({ fault, code, attempts, text, maxMs }) => {
    sim.clearFaults();
    sim.addFault(fault);
    const before = sim.requests.length;
    const { result, ms } = await call(session, { backupPlanId: PLAN });
    sim.clearFaults();
    expect(result.isError).toBe(true);
    expect(result.text.startsWith(`${code}: `)).toBe(true);
    if (text) expect(result.text).toMatch(text);
    expect(result.text).not.toMatch(/\bundefined\b|NaN|\[object Object\]/);
    expect(sim.requests.length - before).toBe(attempts);
    expect(ms).toBeLessThan(maxMs);

    const next = await call(session, { backupPlanId: PLAN });
    expect(next.result.isError).toBeFalsy();
    expect((next.result.structuredContent as { summary: { fetched: number } }).summary.fetched).toBe(30);
  });

  it('recovers when throttling stops before the attempts run out', async () => {
    sim.addFault({ kind: 'throttling', times: 2 });
    const before = sim.requests.length;
    const { result } = await call(session, { backupPlanId: PLAN });
    expect(result.isError).toBeFalsy();
    expect(sim.requests.length - before).toBe(3);
    expect(session.stderr()).toMatch(/Throttling\.User, retrying in \d+ ms \(attempt 2 of 3\)/);
  });

  it('returns the pages before a failing page, with a warning and where to resume', async () => {
    sim.addFault({ kind: 'server-error', pageNum: 1 });
    const { result } = await call(session, { backupPlanId: PLAN, allPages: true, pageSize: 30 });
    sim.clearFaults();
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as { page: { hasMore: boolean; nextPageNum: number; pagesFetched: number }; summary: { fetched: number } };
    expect(s.page).toMatchObject({ hasMore: true, nextPageNum: 1, pagesFetched: 1 });
    expect(s.summary.fetched).toBe(30);
    expect(result.text).toContain('Warning: page 1 failed after 3 attempts (InternalError: ');
    expect(result.text).toContain(
      'More pages: call list_backup_set_download_tasks with {"backupPlanId":"dbs1faultplan1","pageSize":30,"pageNum":1,"allPages":true,"maxPages":50}',
    );
    expect(result.text.split('\n')[0]).toBe('Partial result: this call read 30 of 40 tasks of this plan (pageNum 0): the counts below cover those 30 only.');
  });
});

describe('failures around the API', () => {
  it('answers SignatureDoesNotMatch for a wrong secret, without retrying', async () => {
    const wrong = await spawnServer(canaryEnv(sim.url, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'CANARY-SECRET-wrong-0000' }));
    try {
      const before = sim.requests.length;
      const { result } = await call(wrong, { backupPlanId: PLAN });
      expect(result.text).toMatch(/^SignatureDoesNotMatch: .*\nHTTP 400, request id .*\nNext: .*ALIBABA_CLOUD_ACCESS_KEY_SECRET/s);
      expect(sim.requests.length - before).toBe(1);
    } finally {
      outputs.push(wrong.stderr());
      await wrong.close();
    }
  });

  it('answers InvalidAccessKeyId.NotFound for an unknown key id', async () => {
    const unknown = await spawnServer(canaryEnv(sim.url, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tNoSuchKey000000' }));
    try {
      const { result } = await call(unknown, { backupPlanId: PLAN });
      expect(result.text).toMatch(/^InvalidAccessKeyId\.NotFound: .*\nHTTP 404/s);
    } finally {
      outputs.push(unknown.stderr());
      await unknown.close();
    }
  });

  it('answers NetworkError after retries when nothing listens at the endpoint', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const closed = await spawnServer(canaryEnv(`http://127.0.0.1:${port}`));
    try {
      const { result, ms } = await call(closed, { backupPlanId: PLAN });
      expect(result.text).toMatch(new RegExp(`^NetworkError: could not talk to 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\nafter 3 attempts\\nNext: `));
      expect(ms).toBeLessThan(RETRY_BUDGET + 1500);
    } finally {
      outputs.push(closed.stderr());
      await closed.close();
    }
  });
});

describe('secrets', () => {
  it('never show in any result, error or log line', () => {
    const everything = [...outputs, session.stderr()].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [
      CANARY.accessKeySecret,
      CANARY.securityToken,
      'CANARY-SECRET',
      'CANARY-TOKEN',
      'Signature=',
      'ACS3-HMAC-SHA256 Credential',
      'OSSAccessKeyId=',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
