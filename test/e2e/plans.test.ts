/**
 * `list_backup_plans` end to end: the built server over stdio against the simulator, which verifies
 * every signature. Paging, filters, hidden infrastructure, the empty list, the fault matrix, secrets,
 * and the hand-over of a discovered plan id to list_backup_set_download_tasks.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BACKUP_PLANS, DEMO_PLANS, makePlans } from '../../sim/fixtures.js';
import { startSimulator, type Fault, type RawTask, type Simulator } from '../../sim/simulator.js';
import { spawnServer, type StdioSession } from '../helpers/stdio.js';

const CANARY = { accessKeyId: 'LTAI5tCanaryPlanKey0042', accessKeySecret: 'CANARY-PLAN-SECRET-3c9e1a', securityToken: 'CANARY-PLAN-TOKEN-8b2d4f' };
const TIMEOUT_MS = 400;
const BIG_REGION = 'ap-southeast-1';
const BIG = makePlans({ region: BIG_REGION, count: 250, seed: 9 });
const HANGZHOU = DEMO_BACKUP_PLANS['cn-hangzhou']!;
const TOOL = 'list_backup_plans';

let sim: Simulator;
let session: StdioSession;
const outputs: string[] = [];

interface Structured {
  request: { regionId: string; endpoint: string; requestIds: string[] };
  page: {
    pageNum: number;
    pageSize: number;
    pagesFetched: number;
    totalPages: number | null;
    totalElements: number | null;
    hasMore: boolean;
    nextPageNum: number | null;
  };
  summary: {
    fetched: number;
    listed: number;
    byStatus: Record<string, number>;
    byDbType: Record<string, number>;
    attention: { backupPlanId: string; errorMessage: string | null }[];
    attentionTotal: number;
  };
  plans: { backupPlanId: string; status: string; details?: Record<string, string | null> }[];
  nextArguments: Record<string, unknown> | null;
}

beforeAll(async () => {
  sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: { ...DEMO_BACKUP_PLANS, [BIG_REGION]: BIG }, credentials: [CANARY] });
  session = await spawnServer({
    ALIBABA_CLOUD_ACCESS_KEY_ID: CANARY.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: CANARY.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: CANARY.securityToken,
    ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    DBS_MCP_TIMEOUT_MS: String(TIMEOUT_MS),
    DBS_MCP_MAX_ATTEMPTS: '3',
    DBS_MCP_LOG_LEVEL: 'debug',
  });
});
afterAll(async () => {
  if (session) outputs.push(session.stderr());
  await session?.close();
  await sim?.close();
});

async function plans(args: Record<string, unknown>, options: { onprogress?: (p: { progress: number }) => void } = {}) {
  const started = performance.now();
  const result = await session.callTool(args, { ...options, name: TOOL });
  outputs.push(JSON.stringify(result));
  return { result, s: result.structuredContent as unknown as Structured, ms: performance.now() - started };
}

const planRequests = (from: number) => sim.requests.slice(from).filter((r) => r.action === 'DescribeBackupPlanList');
const countBy = (raw: RawTask[], key: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const p of raw) counts[String(p[key])] = (counts[String(p[key])] ?? 0) + 1;
  return counts;
};

describe('list_backup_plans over stdio', () => {
  it('reads all 250 plans of a region over three pages by default, with progress, sending the region', async () => {
    const before = sim.requests.length;
    const progress: number[] = [];
    const { result, s } = await plans({ regionId: BIG_REGION }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect(s.page).toEqual({ pageNum: 0, pageSize: 100, pagesFetched: 3, totalPages: 3, totalElements: 250, hasMore: false, nextPageNum: null });
    expect(s.summary).toMatchObject({ fetched: 250, listed: 200 });
    expect(s.summary.byStatus).toEqual(countBy(BIG, 'BackupPlanStatus'));
    expect(s.summary.byDbType).toEqual(countBy(BIG, 'DatabaseType'));
    const attention = BIG.filter((p) => ['init', 'stop', 'pause', 'locked', 'wait'].includes(String(p.BackupPlanStatus)));
    expect(s.summary.attentionTotal).toBe(attention.length);
    expect(progress).toEqual([1, 2, 3]);
    const requests = planRequests(before);
    expect(requests.map((r) => r.pageNum).sort()).toEqual([0, 1, 2]);
    expect(requests.every((r) => r.status === 200 && r.query.Region === BIG_REGION && r.query.PageSize === '100')).toBe(true);
    expect(s.request.requestIds).toHaveLength(3);
    const newest = [...BIG].sort((a, b) => Number(b.BackupPlanCreateTime) - Number(a.BackupPlanCreateTime))[0]!;
    expect(s.plans[0]!.backupPlanId).toBe(newest.BackupPlanId);
    expect(result.text.split('\n')[0]).toBe(`Backup plans in region ${BIG_REGION}: pageNum 0-2 (of pages 0-2, 100 plans per page), 250 in total.`);
  });

  it('stops at maxPages, says so first, and the next call it names reads the rest', async () => {
    const { result, s } = await plans({ regionId: BIG_REGION, pageSize: 40, maxPages: 3 });
    expect(s.page).toMatchObject({ pagesFetched: 3, totalPages: 7, hasMore: true, nextPageNum: 3 });
    expect(s.nextArguments).toEqual({ regionId: BIG_REGION, pageSize: 40, pageNum: 3, maxPages: 3 });
    expect(result.text.split('\n')[0]).toBe(
      `Partial: read 120 plans of 250; the counts below cover only those. To read the rest call list_backup_plans with {"regionId":"${BIG_REGION}","pageSize":40,"pageNum":3,"maxPages":3}.`,
    );
    const rest = await plans(s.nextArguments!);
    expect(rest.s.page).toMatchObject({ pageNum: 3, pagesFetched: 3, hasMore: true, nextPageNum: 6 });
    const last = await plans(rest.s.nextArguments!);
    expect(last.s.page).toMatchObject({ pageNum: 6, pagesFetched: 1, hasMore: false, nextPageNum: null });
    const seen = new Set([...s.plans, ...rest.s.plans, ...last.s.plans].map((p) => p.backupPlanId));
    expect(seen.size).toBe(250);
  });

  it('uses the default region, as Region, when none is given', async () => {
    const before = sim.requests.length;
    const { s } = await plans({});
    expect(planRequests(before).map((r) => r.query.Region)).toEqual(['cn-hangzhou']);
    expect(s.summary.fetched).toBe(HANGZHOU.length);
  });

  it('sends several ids as one comma-joined BackupPlanId', async () => {
    const before = sim.requests.length;
    const { s } = await plans({ backupPlanIds: ['dbs1demoplan01', 'dbs1emptyplan0', 'dbs1nosuchplan'] });
    expect(planRequests(before).map((r) => r.query.BackupPlanId)).toEqual(['dbs1demoplan01,dbs1emptyplan0,dbs1nosuchplan']);
    expect(s.plans.map((p) => p.backupPlanId)).toEqual(['dbs1demoplan01', 'dbs1emptyplan0']);
  });

  it('filters by status and exact name on the API side', async () => {
    const before = sim.requests.length;
    const init = await plans({ status: 'init' });
    expect(planRequests(before).at(-1)?.query.BackupPlanStatus).toBe('init');
    expect(init.s.plans.length).toBe(HANGZHOU.filter((p) => p.BackupPlanStatus === 'init').length);
    expect(init.s.plans.every((p) => p.status === 'init')).toBe(true);
    expect(init.result.text).toContain(
      'dbs1emptyplan0 reporting replica [init: not started: precheck failed]: precheck failed: the account backup_ro lacks the REPLICATION privilege',
    );
    const named = await plans({ backupPlanName: 'shop production' });
    expect(named.s.plans.map((p) => p.backupPlanId)).toEqual(['dbs1demoplan01']);
  });

  it('keeps infrastructure out unless asked, and shows it when asked', async () => {
    const hidden = await plans({ backupPlanIds: ['dbs1demoplan01'] });
    const everything = JSON.stringify(hidden.result);
    for (const secret of ['10.20.30.40', 'dbs_backup', 'dbs-backup-shop-prod']) expect(everything).not.toContain(secret);
    expect(hidden.s.plans[0]).not.toHaveProperty('details');
    const shown = await plans({ backupPlanIds: ['dbs1demoplan01'], includeEndpointDetails: true });
    expect(shown.s.plans[0]!.details).toEqual({
      sourceUser: 'dbs_backup',
      sourceIpPort: '10.20.30.40:3306',
      ossBucket: 'dbs-backup-shop-prod',
      ossRegion: 'cn-hangzhou',
      crossAccountId: null,
      crossRoleName: null,
    });
    expect(shown.result.text).toContain('- dbs1demoplan01: user dbs_backup, at 10.20.30.40:3306, OSS bucket dbs-backup-shop-prod (cn-hangzhou)');
  });

  it('keeps the text block at most 25% of the raw API JSON for the same 100 plans, every id in it', async () => {
    const { result } = await plans({ regionId: BIG_REGION, allPages: false, limit: 100 });
    const page = BIG.slice(0, 100);
    const raw = JSON.stringify({
      RequestId: '00000000-0000-0000-0000-000000000000',
      PageSize: 100,
      PageNum: 0,
      HttpStatusCode: 200,
      TotalElements: 250,
      TotalPages: 3,
      Items: { BackupPlanDetail: page },
      Success: true,
    });
    expect(Buffer.byteLength(result.text) / Buffer.byteLength(raw)).toBeLessThanOrEqual(0.25);
    for (const p of page) expect(result.text).toContain(String(p.BackupPlanId));
  });

  it('says in words that a region has no plans (Items "")', async () => {
    const { result, s } = await plans({ regionId: 'eu-central-1' });
    expect(result.isError).toBeFalsy();
    expect(s.summary.fetched).toBe(0);
    expect(result.text).toContain('No backup plans in region eu-central-1.');
  });

  it('hands a discovered plan id to list_backup_set_download_tasks, which answers for it', async () => {
    const { result } = await plans({});
    const match = /call list_backup_set_download_tasks with its backupPlanId, e\.g\. (\{.*\})\.$/m.exec(result.text);
    expect(match).not.toBeNull();
    const args = JSON.parse(match![1]!) as Record<string, unknown>;
    expect(args).toEqual({ backupPlanId: 'dbs1demoplan01', allPages: true });
    const tasks = await session.callTool(args);
    outputs.push(JSON.stringify(tasks));
    expect(tasks.isError).toBeFalsy();
    expect((tasks.structuredContent as { summary: { fetched: number } }).summary.fetched).toBe(DEMO_PLANS.dbs1demoplan01!.length);
  });
});

interface Case {
  name: string;
  fault: Fault;
  code: string;
  attempts: number;
  text?: RegExp;
}
const cases: Case[] = [
  { name: 'throttling', fault: { kind: 'throttling' }, code: 'Throttling.User', attempts: 3, text: /after 3 attempts/ },
  { name: 'HTTP 500', fault: { kind: 'server-error' }, code: 'InternalError', attempts: 3, text: /HTTP 500/ },
  { name: 'HTTP 503', fault: { kind: 'service-unavailable' }, code: 'ServiceUnavailable', attempts: 3, text: /HTTP 503/ },
  { name: 'HTML gateway page', fault: { kind: 'html', status: 502 }, code: 'BadResponse', attempts: 3, text: /non-JSON body \(text\/html\)/ },
  { name: 'empty body', fault: { kind: 'empty-body' }, code: 'BadResponse', attempts: 3, text: /empty body/ },
  { name: 'connection reset', fault: { kind: 'reset' }, code: 'NetworkError', attempts: 3, text: /ECONNRESET/ },
  { name: 'hang', fault: { kind: 'hang' }, code: 'Timeout', attempts: 3, text: /within 400 ms/ },
  { name: 'stalled body', fault: { kind: 'stall-body' }, code: 'Timeout', attempts: 3, text: /within 400 ms/ },
  {
    name: '403 Forbidden.RAM',
    fault: { kind: 'forbidden' },
    code: 'Forbidden.RAM',
    attempts: 1,
    text: /Next: Grant the RAM identity the action dbs:DescribeBackupPlanList/,
  },
  {
    name: 'Success:false',
    fault: { kind: 'business-error', code: 'InvalidParameter.Region', message: 'The specified parameter Region value is not valid.' },
    code: 'InvalidParameter.Region',
    attempts: 1,
    text: /Region value is not valid/,
  },
  { name: 'ErrCode body on HTTP 400', fault: { kind: 'dbs-4xx', code: 'InvalidParameter' }, code: 'InvalidParameter', attempts: 1, text: /HTTP 400/ },
  { name: 'JSON array body', fault: { kind: 'json-array' }, code: 'BadResponse', attempts: 1, text: /not an object/ },
];

describe('list_backup_plans fault matrix', () => {
  it.each(cases)('$name -> $code after $attempts attempt(s), then the next call succeeds', async ({ fault, code, attempts, text }) => {
    sim.clearFaults();
    sim.addFault({ ...fault, action: 'DescribeBackupPlanList' });
    const before = sim.requests.length;
    const { result, ms } = await plans({});
    sim.clearFaults();
    expect(result.isError).toBe(true);
    expect(result.text.startsWith(`${code}: `)).toBe(true);
    if (text) expect(result.text).toMatch(text);
    expect(result.text).not.toMatch(/\bundefined\b|NaN|\[object Object\]/);
    expect(planRequests(before)).toHaveLength(attempts);
    expect(ms).toBeLessThan(750 + 3 * TIMEOUT_MS + 1500);
    expect((await plans({})).result.isError).toBeFalsy();
  });

  it('returns the pages before a failing page, with a warning and the call that resumes', async () => {
    sim.addFault({ kind: 'server-error', pageNum: 1, action: 'DescribeBackupPlanList' });
    const { result, s } = await plans({ regionId: BIG_REGION });
    sim.clearFaults();
    expect(result.isError).toBeFalsy();
    expect(s.page).toMatchObject({ pagesFetched: 1, hasMore: true, nextPageNum: 1 });
    expect(s.summary.fetched).toBe(100);
    expect(result.text).toContain('Warning: page 1 failed after 3 attempts (InternalError: ');
    expect(result.text.split('\n')[0]).toContain(`To read the rest call list_backup_plans with {"regionId":"${BIG_REGION}","pageNum":1}.`);
  });
});

describe('fuzzed arguments', () => {
  it('always get a clear answer, a result or an input error, and never crash the server', async () => {
    const value = fc.oneof(
      fc.constantFrom(
        'dbs1demoplan01',
        '',
        'init',
        'stop',
        'cn-hangzhou',
        'eu-central-1',
        0,
        -1,
        1,
        100,
        101,
        1e9,
        true,
        false,
        null,
        ['dbs1demoplan01'],
        [],
        ['a,b'],
      ),
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
    );
    const keys = ['backupPlanIds', 'backupPlanName', 'status', 'regionId', 'pageSize', 'pageNum', 'allPages', 'maxPages', 'limit', 'includeEndpointDetails'];
    const args = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, { maxKeys: 5 });
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(args, async (input) => {
        const { result } = await plans(input);
        expect(result.text).not.toMatch(/\bundefined\b|NaN|\[object Object\]|UnexpectedError/);
        if (result.isError) expect(result.text).toMatch(/^MCP error -32602: Input validation error: /);
        else successes += 1;
      }),
      { numRuns: 80, seed: 20261203 },
    );
    expect(successes).toBeGreaterThan(3);
    expect(session.stderr()).not.toMatch(/uncaught|unhandled/i);
  });
});

describe('secrets', () => {
  it("never show in any result or log line, nor does a precheck error's signed link", () => {
    const everything = [...outputs, session.stderr()].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [CANARY.accessKeySecret, CANARY.securityToken, 'Signature=', 'OSSAccessKeyId=', 'canaryplansig', 'ACS3-HMAC-SHA256 Credential']) {
      expect(everything).not.toContain(secret);
    }
  });
});
