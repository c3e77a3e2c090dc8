/**
 * The credentials chain end to end: the built server over stdio, each provider of the
 * `@alicloud/credentials` default chain configured the way a user would, and every call signed and
 * verified by the simulator. Secrets and tokens are canary values that no output may contain.
 *
 * Each server runs with a fresh temporary HOME (the real ~/.aliyun is never read) and with
 * sim/loopback-only.mjs preloaded: the fixed remote hosts of STS and the ECS metadata service are
 * redirected to local stand-ins, and anything else off loopback is refused and reported.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTasks } from '../../sim/fixtures.js';
import { startCredentialsUri, startMetadataService, startSts, TEST_TLS, type IssuedCredential } from '../../sim/credential-servers.js';
import { startSimulator, type RecordedRequest, type Simulator } from '../../sim/simulator.js';
import { spawnServer, type StdioSession } from '../helpers/stdio.js';

const LOOPBACK_ONLY = new URL('../../sim/loopback-only.mjs', import.meta.url).href;
const PLAN = 'dbs1credplan01';
const TASKS = makeTasks({ planId: PLAN, count: 12, seed: 11 });
const CANARY = /CANARY-/;
const MISSING = /^MissingCredentials: .+\nNext: Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET .*ALIBABA_CLOUD_SECURITY_TOKEN/;
const ROLE_ARN = 'acs:ram::1234567890123456:role/dbs-reader';
const OIDC_PROVIDER_ARN = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa';

let sim: Simulator;
const tempDirs: string[] = [];
/** Every tool result and every server's stderr, for the sweep at the end. */
const outputs: string[] = [];
/** Request signatures seen by STS (AssumeRole signs its query). */
const stsSignatures: string[] = [];

type Env = Record<string, string | undefined>;

interface ToolAnswer {
  isError: boolean;
  text: string;
  /** What reached the simulator for this call. */
  requests: RecordedRequest[];
}

interface Server {
  session: StdioSession;
  call(args?: Record<string, unknown>): Promise<ToolAnswer>;
  /** Ends the server and checks that nothing secret reached its output. */
  stop(): Promise<void>;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dbs-mcp-creds-'));
  tempDirs.push(dir);
  return dir;
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600 });
}

/** A fresh HOME and the simulator endpoint; ECS metadata off unless the test turns it on. */
async function startServer(home: string, env: Env = {}): Promise<Server> {
  const full: Env = {
    HOME: home,
    ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    DBS_MCP_MAX_ATTEMPTS: '1',
    ...env,
  };
  const defined = Object.fromEntries(Object.entries(full).filter((e): e is [string, string] => e[1] !== undefined));
  const session = await spawnServer(defined, [], { nodeArgs: [`--import=${LOOPBACK_ONLY}`] });
  const texts: string[] = [];
  return {
    session,
    async call(args = { backupPlanId: PLAN }) {
      const before = sim.requests.length;
      const result = await session.callTool(args);
      texts.push(result.text, JSON.stringify(result.structuredContent ?? null));
      return { isError: result.isError === true, text: result.text, requests: sim.requests.slice(before) };
    },
    async stop() {
      await session.close();
      // The last stderr chunks pass through a stream after the process has closed.
      await new Promise((resolve) => setImmediate(resolve));
      const stderr = session.stderr();
      outputs.push(...texts, stderr);
      expect(stderr).not.toMatch(/loopback-only: blocked/);
      expectNothingSecret([...texts, stderr]);
    },
  };
}

/** Canaries, signatures (the Authorization values the simulator saw and STS's), and signed-URL parameters. */
function expectNothingSecret(texts: string[]): void {
  const signatures = [
    ...sim.requests.flatMap((r) => [r.headers.authorization, /Signature=([0-9a-f]{64})/.exec(r.headers.authorization ?? '')?.[1]]),
    ...stsSignatures,
  ].filter((s): s is string => Boolean(s));
  for (const text of texts) {
    expect(text).not.toMatch(CANARY);
    expect(text).not.toMatch(/Signature=|SecurityToken=|OIDCToken=/i);
    for (const signature of signatures) expect(text).not.toContain(signature);
  }
}

/** Runs `body` against a server and stops it (with the secret checks) whatever happens. */
async function withServer(home: string, env: Env, body: (server: Server) => Promise<void>): Promise<void> {
  const server = await startServer(home, env);
  let failed = true;
  try {
    await body(server);
    failed = false;
  } finally {
    if (failed) await server.session.close().catch(() => undefined);
    else await server.stop();
  }
}

/** The one request of a successful call, with the key, provider and token it was signed with. */
function expectSignedBy(answer: ToolAnswer, accessKeyId: string, provider: string, securityToken?: string): void {
  expect(answer.isError, answer.text).toBe(false);
  expect(answer.requests.map((r) => [r.status, r.code])).toEqual([[200, undefined]]);
  const headers = answer.requests[0]!.headers;
  expect(headers.authorization).toMatch(new RegExp(`^ACS3-HMAC-SHA256 Credential=${accessKeyId.replace(/\./g, '\\.')},`));
  expect(headers['x-acs-credentials-provider']).toBe(provider);
  expect(headers['x-acs-security-token']).toBe(securityToken);
}

function cliConfig(current: string, profiles: Array<Record<string, unknown>>): string {
  return JSON.stringify({ current, profiles, meta_path: '' }, null, 2);
}

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: TASKS } });
});

afterAll(async () => {
  await sim?.close();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('credentials from the default chain, end to end', () => {
  it('starts and lists its tool with no credentials, answers MissingCredentials within 2 s, then uses a CLI profile written later', async () => {
    const home = await tempDir();
    const key = { accessKeyId: 'LTAI5tCredLater0001', accessKeySecret: 'CANARY-SECRET-later-profile' };
    sim.addCredential(key);
    await withServer(home, { DBS_MCP_LOG_LEVEL: 'debug' }, async (server) => {
      const { tools } = await server.session.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans', 'wait_for_backup_set_download_task']);

      const started = performance.now();
      const first = await server.call();
      const elapsed = performance.now() - started;
      expect(first.isError).toBe(true);
      expect(first.text).toMatch(MISSING);
      expect(first.requests).toEqual([]);
      // A requirement, not a benchmark: the answer takes milliseconds; 2 s is the ceiling users were promised.
      expect(elapsed).toBeLessThan(2000);

      // Still failing the same way, not stuck on the last provider tried.
      const second = await server.call();
      expect(second.text).toMatch(MISSING);

      await writeText(
        join(home, '.aliyun/config.json'),
        cliConfig('default', [
          { name: 'default', mode: 'AK', access_key_id: key.accessKeyId, access_key_secret: key.accessKeySecret, region_id: 'cn-hangzhou' },
        ]),
      );
      const third = await server.call();
      expectSignedBy(third, key.accessKeyId, 'default/cli_profile');
    });
  });

  it('uses the AccessKey pair from the environment', async () => {
    const key = { accessKeyId: 'LTAI5tCredEnv00001', accessKeySecret: 'CANARY-SECRET-env-pair' };
    sim.addCredential(key);
    await withServer(
      await tempDir(),
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        DBS_MCP_LOG_LEVEL: 'debug',
      },
      async (server) => {
        expectSignedBy(await server.call(), key.accessKeyId, 'default/env');
      },
    );
  });

  it('uses an STS token from the environment, and reports a wrong one as InvalidSecurityToken without showing it', async () => {
    const sts = { accessKeyId: 'STS.NCredEnvToken01', accessKeySecret: 'CANARY-SECRET-env-sts', securityToken: 'CANARY-TOKEN-env-sts' };
    sim.addCredential(sts);
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: sts.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sts.accessKeySecret,
      DBS_MCP_LOG_LEVEL: 'debug',
    };
    await withServer(await tempDir(), { ...env, ALIBABA_CLOUD_SECURITY_TOKEN: sts.securityToken }, async (server) => {
      expectSignedBy(await server.call(), sts.accessKeyId, 'default/env', sts.securityToken);
    });
    await withServer(await tempDir(), { ...env, ALIBABA_CLOUD_SECURITY_TOKEN: 'CANARY-TOKEN-env-wrong' }, async (server) => {
      const answer = await server.call();
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/^InvalidSecurityToken\.Mismatch: .*\nHTTP 400, request id [0-9A-F-]+\nNext: .*ALIBABA_CLOUD_SECURITY_TOKEN/);
      expect(answer.requests.map((r) => r.code)).toEqual(['InvalidSecurityToken.Mismatch']);
    });
  });

  it('uses the current aliyun CLI profile, or the one ALIBABA_CLOUD_PROFILE names (AK and StsToken modes)', async () => {
    const ak = { accessKeyId: 'LTAI5tCredCli00001', accessKeySecret: 'CANARY-SECRET-cli-ak' };
    const sts = { accessKeyId: 'STS.NCredCliToken01', accessKeySecret: 'CANARY-SECRET-cli-sts', securityToken: 'CANARY-TOKEN-cli-sts' };
    sim.addCredential(ak);
    sim.addCredential(sts);
    const home = await tempDir();
    await writeText(
      join(home, '.aliyun/config.json'),
      cliConfig('work', [
        { name: 'work', mode: 'AK', access_key_id: ak.accessKeyId, access_key_secret: ak.accessKeySecret, region_id: 'cn-hangzhou' },
        {
          name: 'temp',
          mode: 'StsToken',
          access_key_id: sts.accessKeyId,
          access_key_secret: sts.accessKeySecret,
          sts_token: sts.securityToken,
          region_id: 'cn-hangzhou',
        },
      ]),
    );
    await withServer(home, {}, async (server) => {
      expectSignedBy(await server.call(), ak.accessKeyId, 'default/cli_profile');
    });
    await withServer(home, { ALIBABA_CLOUD_PROFILE: 'temp', DBS_MCP_LOG_LEVEL: 'debug' }, async (server) => {
      expectSignedBy(await server.call(), sts.accessKeyId, 'default/cli_profile', sts.securityToken);
    });
  });

  it('uses ~/.alibabacloud/credentials, or the file and profile ALIBABA_CLOUD_CREDENTIALS_FILE and ALIBABA_CLOUD_PROFILE name', async () => {
    const home = await tempDir();
    const inHome = { accessKeyId: 'LTAI5tCredFile0001', accessKeySecret: 'CANARY-SECRET-file-home' };
    const named = { accessKeyId: 'LTAI5tCredFile0002', accessKeySecret: 'CANARY-SECRET-file-named' };
    sim.addCredential(inHome);
    sim.addCredential(named);
    await writeText(
      join(home, '.alibabacloud/credentials'),
      `[default]\ntype = access_key\naccess_key_id = ${inHome.accessKeyId}\naccess_key_secret = ${inHome.accessKeySecret}\n`,
    );
    const elsewhere = join(await tempDir(), 'dbs.ini');
    await writeText(
      elsewhere,
      [
        '[default]',
        'type = access_key',
        'access_key_id = LTAI5tCredFileUnused',
        'access_key_secret = CANARY-SECRET-file-unused',
        '[ci]',
        'type = access_key',
        `access_key_id = ${named.accessKeyId}`,
        `access_key_secret = ${named.accessKeySecret}`,
        '',
      ].join('\n'),
    );

    await withServer(home, {}, async (server) => {
      expectSignedBy(await server.call(), inHome.accessKeyId, 'default/profile');
    });
    await withServer(home, { ALIBABA_CLOUD_CREDENTIALS_FILE: elsewhere, ALIBABA_CLOUD_PROFILE: 'ci' }, async (server) => {
      expectSignedBy(await server.call(), named.accessKeyId, 'default/profile');
    });
  });

  it('picks up rotated STS credentials from ALIBABA_CLOUD_CREDENTIALS_URI without a restart', async () => {
    // The providers refresh a session 15 minutes before it expires: a 10-minute one is refreshed on the
    // next call, a 1-hour one is kept.
    const lifetimes = [10 * 60_000, 60 * 60_000];
    let issued = 0;
    const issue = (): IssuedCredential => {
      issued += 1;
      const c = {
        accessKeyId: `STS.NCredUri000${issued}`,
        accessKeySecret: `CANARY-SECRET-uri-${issued}`,
        securityToken: `CANARY-TOKEN-uri-${issued}`,
        expiresAt: new Date(Date.now() + (lifetimes[issued - 1] ?? 60 * 60_000)),
      };
      sim.addCredential(c);
      return c;
    };
    const uri = await startCredentialsUri(issue);
    try {
      await withServer(await tempDir(), { ALIBABA_CLOUD_CREDENTIALS_URI: `${uri.url}/credentials`, DBS_MCP_LOG_LEVEL: 'debug' }, async (server) => {
        expectSignedBy(await server.call(), 'STS.NCredUri0001', 'default/credential_uri', 'CANARY-TOKEN-uri-1');
        expect(uri.calls.map((c) => [c.method, c.path])).toEqual([['GET', '/credentials']]);

        // Retired: only the rotated credentials can pass from here on.
        sim.removeCredential('STS.NCredUri0001');
        expectSignedBy(await server.call(), 'STS.NCredUri0002', 'default/credential_uri', 'CANARY-TOKEN-uri-2');
        expect(uri.calls).toHaveLength(2);

        expectSignedBy(await server.call(), 'STS.NCredUri0002', 'default/credential_uri', 'CANARY-TOKEN-uri-2');
        expect(uri.calls).toHaveLength(2);
      });
    } finally {
      await uri.close();
    }
  });

  it('assumes a RAM role through a CLI RamRoleArn profile whose sts_endpoint is a local STS', async () => {
    const source = { accessKeyId: 'LTAI5tCredRoleSrc01', accessKeySecret: 'CANARY-SECRET-role-source' };
    const role = { accessKeyId: 'STS.NCredRole00001', accessKeySecret: 'CANARY-SECRET-role', securityToken: 'CANARY-TOKEN-role' };
    const sts = await startSts({
      callers: [{ ...source, roleArn: ROLE_ARN }],
      issue: () => {
        sim.addCredential(role);
        return { ...role, expiresAt: new Date(Date.now() + 60 * 60_000) };
      },
    });
    const home = await tempDir();
    await writeText(
      join(home, '.aliyun/config.json'),
      cliConfig('reader', [
        {
          name: 'reader',
          mode: 'RamRoleArn',
          access_key_id: source.accessKeyId,
          access_key_secret: source.accessKeySecret,
          ram_role_arn: ROLE_ARN,
          ram_session_name: 'dbs-backup-mcp',
          expired_seconds: 3600,
          sts_endpoint: sts.host,
          region_id: 'cn-hangzhou',
        },
      ]),
    );
    try {
      // DEBUG=* would make the SDK's HTTP library print the signed STS request line to stderr.
      await withServer(home, { NODE_EXTRA_CA_CERTS: TEST_TLS.certPath, DEBUG: '*', DBS_MCP_LOG_LEVEL: 'debug' }, async (server) => {
        expectSignedBy(await server.call(), role.accessKeyId, 'default/cli_profile', role.securityToken);
        expect(sts.calls).toHaveLength(1);
        expect(sts.calls[0]!.query).toMatchObject({ Action: 'AssumeRole', AccessKeyId: source.accessKeyId, SignatureMethod: 'HMAC-SHA1' });
        expect(sts.calls[0]!.form).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'dbs-backup-mcp', DurationSeconds: '3600' });
        stsSignatures.push(...sts.calls.map((c) => c.query.Signature ?? ''));
      });
    } finally {
      await sts.close();
    }
  });

  it('assumes a RAM role with an OIDC token (ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE)', async () => {
    const oidcToken = 'CANARY-OIDC-eyJhbGciOiJSUzI1NiJ9.rrsa';
    const role = { accessKeyId: 'STS.NCredOidc00001', accessKeySecret: 'CANARY-SECRET-oidc', securityToken: 'CANARY-TOKEN-oidc' };
    const sts = await startSts({
      oidc: [{ token: oidcToken, providerArn: OIDC_PROVIDER_ARN, roleArn: ROLE_ARN }],
      issue: () => {
        sim.addCredential(role);
        return { ...role, expiresAt: new Date(Date.now() + 60 * 60_000) };
      },
    });
    const home = await tempDir();
    const tokenFile = join(home, 'oidc-token');
    await writeText(tokenFile, oidcToken);
    try {
      await withServer(
        home,
        {
          ALIBABA_CLOUD_ROLE_ARN: ROLE_ARN,
          ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER_ARN,
          ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
          ALIBABA_CLOUD_ROLE_SESSION_NAME: 'dbs-backup-mcp',
          // STS is at a fixed host for this provider: the preload sends it to the local one.
          LOOPBACK_REDIRECTS: JSON.stringify({ 'sts.aliyuncs.com:443': sts.host }),
          NODE_EXTRA_CA_CERTS: TEST_TLS.certPath,
          DEBUG: '*',
          DBS_MCP_LOG_LEVEL: 'debug',
        },
        async (server) => {
          expectSignedBy(await server.call(), role.accessKeyId, 'default/oidc_role_arn', role.securityToken);
          expect(sts.calls).toHaveLength(1);
          expect(sts.calls[0]!.query).toMatchObject({ Action: 'AssumeRoleWithOIDC', Version: '2015-04-01' });
          expect(sts.calls[0]!.form).toMatchObject({ RoleArn: ROLE_ARN, OIDCProviderArn: OIDC_PROVIDER_ARN, RoleSessionName: 'dbs-backup-mcp' });
          expect(sts.calls[0]!.headers.host).toBe('sts.aliyuncs.com');
        },
      );
    } finally {
      await sts.close();
    }
  });

  it('uses the ECS RAM role from the instance metadata service', async () => {
    const role = { accessKeyId: 'STS.NCredEcs000001', accessKeySecret: 'CANARY-SECRET-ecs', securityToken: 'CANARY-TOKEN-ecs' };
    const metadata = await startMetadataService('dbs-reader-role', () => {
      sim.addCredential(role);
      return { ...role, expiresAt: new Date(Date.now() + 6 * 60 * 60_000) };
    });
    try {
      await withServer(
        await tempDir(),
        {
          ALIBABA_CLOUD_ECS_METADATA_DISABLED: undefined,
          LOOPBACK_REDIRECTS: JSON.stringify({ '100.100.100.200:80': metadata.host }),
          DBS_MCP_LOG_LEVEL: 'debug',
        },
        async (server) => {
          expectSignedBy(await server.call(), role.accessKeyId, 'default/ecs_ram_role', role.securityToken);
          expect(metadata.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
            'PUT /latest/api/token',
            'GET /latest/meta-data/ram/security-credentials/',
            'PUT /latest/api/token',
            'GET /latest/meta-data/ram/security-credentials/dbs-reader-role',
          ]);
        },
      );
    } finally {
      await metadata.close();
    }
  });

  it('answers MissingCredentials when OIDC and ECS are configured but unreachable, and keeps serving', async () => {
    const home = await tempDir();
    const tokenFile = join(home, 'oidc-token');
    await writeText(tokenFile, 'CANARY-OIDC-unreachable');
    const key = { accessKeyId: 'LTAI5tCredAfter001', accessKeySecret: 'CANARY-SECRET-after-outage' };
    sim.addCredential(key);
    await withServer(
      home,
      {
        ALIBABA_CLOUD_ROLE_ARN: ROLE_ARN,
        ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER_ARN,
        ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: undefined,
        // Nothing listens on port 1: both hosts refuse the connection.
        LOOPBACK_REDIRECTS: JSON.stringify({ 'sts.aliyuncs.com:443': '127.0.0.1:1', '100.100.100.200:80': '127.0.0.1:1' }),
        DBS_MCP_LOG_LEVEL: 'debug',
      },
      async (server) => {
        const answer = await server.call();
        expect(answer.isError).toBe(true);
        expect(answer.text).toMatch(MISSING);
        expect(answer.text).not.toMatch(/ECONNREFUSED|aliyuncs|100\.100|getaddrinfo|undefined|oidc-token/);
        expect(answer.requests).toEqual([]);

        await writeText(
          join(home, '.alibabacloud/credentials'),
          `[default]\ntype = access_key\naccess_key_id = ${key.accessKeyId}\naccess_key_secret = ${key.accessKeySecret}\n`,
        );
        expectSignedBy(await server.call(), key.accessKeyId, 'default/profile');
      },
    );
  });

  it('treats empty-string credential variables as unset', async () => {
    const key = { accessKeyId: 'LTAI5tCredEmpty001', accessKeySecret: 'CANARY-SECRET-empty-token' };
    sim.addCredential(key);
    await withServer(
      await tempDir(),
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: '',
      },
      async (server) => {
        const answer = await server.call();
        expectSignedBy(answer, key.accessKeyId, 'default/env');
        expect(Object.keys(answer.requests[0]!.headers)).not.toContain('x-acs-security-token');
      },
    );

    const home = await tempDir();
    const fileKey = { accessKeyId: 'LTAI5tCredEmpty002', accessKeySecret: 'CANARY-SECRET-empty-file' };
    sim.addCredential(fileKey);
    await writeText(
      join(home, '.alibabacloud/credentials'),
      `[default]\ntype = access_key\naccess_key_id = ${fileKey.accessKeyId}\naccess_key_secret = ${fileKey.accessKeySecret}\n`,
    );
    await withServer(
      home,
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: '',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: '',
        ALIBABA_CLOUD_SECURITY_TOKEN: '',
        ALIBABA_CLOUD_PROFILE: '',
        ALIBABA_CLOUD_CREDENTIALS_FILE: '',
        ALIBABA_CLOUD_ROLE_ARN: '',
        ALIBABA_CLOUD_CREDENTIALS_URI: '',
      },
      async (server) => {
        expectSignedBy(await server.call(), fileKey.accessKeyId, 'default/profile');
      },
    );
  });

  it('left no secret, token or signature in any result or stderr of the servers above', () => {
    expect(outputs.length).toBeGreaterThan(20);
    expectNothingSecret(outputs);
  });
});
