/**
 * The built server over stdio against an upstream that answers crafted bodies: each attack is
 * answered quickly and clearly, leaks nothing, and the next normal call still works.
 */
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NORMAL_PLAN, startHostileUpstream, type HostileUpstream } from '../helpers/hostile-upstream.js';
import { spawnServer, type StdioSession } from '../helpers/stdio.js';

const CANARY = {
  accessKeyId: 'LTAI5tHostileKeyId0042',
  accessKeySecret: 'HOSTILE-SECRET-4c1d9e7a2b',
  securityToken: 'HOSTILE-TOKEN-8f2a6c0e4d',
};

let upstream: HostileUpstream;
let session: StdioSession;
const notifications: string[] = [];

beforeAll(async () => {
  upstream = await startHostileUpstream();
  session = await spawnServer({
    ALIBABA_CLOUD_ACCESS_KEY_ID: CANARY.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: CANARY.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: CANARY.securityToken,
    ALIBABA_CLOUD_DBS_ENDPOINT: upstream.url,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    DBS_MCP_TIMEOUT_MS: '5000',
    DBS_MCP_LOG_LEVEL: 'debug',
  });
  session.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void notifications.push(JSON.stringify(n.params)));
  await session.client.setLoggingLevel('debug');
});

afterAll(async () => {
  await session?.close();
  await upstream?.close();
});

async function timedCall(args: Record<string, unknown>) {
  const started = performance.now();
  const result = await session.callTool(args);
  return { result, ms: performance.now() - started };
}

async function expectNormalCallWorks(): Promise<void> {
  const { result } = await timedCall({ backupPlanId: NORMAL_PLAN });
  expect(result.isError).toBeFalsy();
  expect(result.text).toContain('t-normal');
}

describe('crafted answers from upstream', () => {
  it.each([
    { plan: 'lt-502', text: /^BadResponse: the endpoint answered HTTP 502 with a non-JSON body \(text\/html\): "<{0,80}/, attempts: 3, maxMs: 6_000 },
    { plan: 'http-message', text: /^Crafted: [htp:/]{2048}\.\.\. \(cut\)\nHTTP 400/, attempts: 1, maxMs: 3_000 },
    { plan: 'huge-body', text: /^BadResponse: the answer from 127\.0\.0\.1:\d+ exceeded 16777216 bytes/, attempts: 1, maxMs: 5_000 },
    // 10 MB of JSON to transfer and parse.
    { plan: 'many-items', text: /^BadResponse: the endpoint answered a page of 350000 items for a page size of 30/, attempts: 1, maxMs: 10_000 },
    { plan: 'huge-message', text: /^Crafted: m{2048}\.\.\. \(cut\)\n/, attempts: 1, maxMs: 5_000 },
    { plan: 'long-gateway-id', text: /^BadResponse: the endpoint answered a BackupGatewayId that is not a 64-bit number/, attempts: 1, maxMs: 3_000 },
    {
      plan: 'redirect',
      text: /^BadResponse: the endpoint 127\.0\.0\.1:\d+ answered HTTP 302, a redirect to attacker\.example\.net; it is not followed/,
      attempts: 1,
      maxMs: 3_000,
    },
  ])('$plan: answered clearly, quickly, after $attempts attempt(s); the next call works', async ({ plan, text, attempts, maxMs }) => {
    const { result, ms } = await timedCall({ backupPlanId: plan });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(text);
    expect(result.text.length).toBeLessThan(3_000);
    expect(upstream.hits.get(plan)).toBe(attempts);
    // Retries wait at most 250 + 500 ms; the rest is transfer and parsing (the old patterns froze the
    // event loop for 7 s on the 30,000 "http://" and 17 s per attempt on the 200,000 "<").
    expect(ms).toBeLessThan(maxMs);
    await expectNormalCallWorks();
  });

  it('keeps stderr lines short whatever upstream sends', () => {
    const longest = Math.max(
      ...session
        .stderr()
        .split('\n')
        .map((line) => line.length),
    );
    expect(longest).toBeLessThan(9_000);
  });
});

describe('an upstream that echoes what it was sent', () => {
  it.each([false, true])('leaks no secret, signature or signed URL (includeUrls %s)', async (includeUrls) => {
    const before = notifications.length;
    const ok = await session.callTool({ backupPlanId: 'echo', includeUrls });
    const failed = await session.callTool({ backupPlanId: 'echo-error' });
    expect(ok.isError).toBeFalsy();
    expect(failed.isError).toBe(true);
    const task = (ok.structuredContent as { tasks: Record<string, unknown>[] }).tasks[0]!;
    expect(task.downloadDir).toBe('https://bucket.oss-cn-hangzhou.aliyuncs.com/dir?***');
    expect(task.taskName).toMatch(/Signature=\*\*\*$/);
    expect(String(task.errorMessage)).toBe('token *** sig ***');
    const emitted = [JSON.stringify(ok), JSON.stringify(failed), session.stderr(), ...notifications.slice(before)].join('\n');
    expect(notifications.length).toBeGreaterThan(before);
    for (const secret of [CANARY.accessKeySecret, CANARY.securityToken, 'ossSig', 'LTAIecho']) expect(emitted).not.toContain(secret);
    expect(emitted).not.toMatch(/Signature=[0-9a-f]{64}/);
    await expectNormalCallWorks();
  });
});

describe('waits and one-task lookups against a hostile upstream', () => {
  const WAIT = 'wait_for_backup_set_download_task';
  const waitFor = async (args: Record<string, unknown>) => {
    const started = performance.now();
    const result = await session.callTool(args, { name: WAIT, timeout: 90_000 });
    return { result, ms: performance.now() - started };
  };

  it('answers by timeoutSeconds plus a second or two when the endpoint hangs', async () => {
    const { result, ms } = await waitFor({ backupSetDownloadTaskId: 't-hang', backupPlanId: 'hang', timeoutSeconds: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Timeout: /);
    expect(ms).toBeLessThan(3_000);
    await expectNormalCallWorks();
  });

  it('ends after three failed looks in a row instead of polling to its timeout', async () => {
    const before = upstream.hits.get('lt-502') ?? 0;
    const { result, ms } = await waitFor({ backupSetDownloadTaskId: 't-502', backupPlanId: 'lt-502', timeoutSeconds: 30, pollIntervalSeconds: 2 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^BadResponse: .*\(3 looks in a row failed, so the wait stopped; no look worked\)/);
    // Three looks of three attempts each, two poll intervals apart.
    expect((upstream.hits.get('lt-502') ?? 0) - before).toBe(9);
    expect(ms).toBeLessThan(12_000);
  });

  it('says what the last look that worked saw when the later ones keep failing', async () => {
    const { result } = await waitFor({ backupSetDownloadTaskId: 't-once', backupPlanId: 'works-once', timeoutSeconds: 30, pollIntervalSeconds: 2 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/3 looks in a row failed, so the wait stopped; the task was last seen running \(running\) at \d\d:\d\d:\d\d UTC\)/);
  });

  it('does not take another task for the one asked for, in either tool', async () => {
    const one = await session.callTool({ backupSetDownloadTaskId: 'wantedC', backupPlanId: 'other-task' });
    expect(one.isError).toBeFalsy();
    expect(one.text).toMatch(/^No download task wantedC was found/);
    expect(one.text).toContain('Warning: the endpoint answered 1 task(s) with another id than wantedC (otherD); they are left out');
    expect(one.text).not.toContain('Task: otherD');
    const found = await session.callTool({ backupSetDownloadTaskId: 'wantedC', backupPlanId: 'two-tasks' });
    expect(found.text).toMatch(/^Download task wantedC /);
    expect((found.structuredContent as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(['wantedC']);

    const waited = await waitFor({ backupSetDownloadTaskId: 'wantedC', backupPlanId: 'two-tasks' });
    expect(waited.result.structuredContent).toMatchObject({ outcome: 'succeeded', task: { taskId: 'wantedC' } });
    const other = await waitFor({ backupSetDownloadTaskId: 'wantedC', backupPlanId: 'other-task' });
    expect(other.result.text).toMatch(/^TaskNotFound: no download task wantedC in backup plan other-task/);
  });
});
