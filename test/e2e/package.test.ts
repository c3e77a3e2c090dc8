/**
 * The two ways the server is installed, tested the way users get them: the MCP bundle (.mcpb) is
 * packed, unpacked into a temporary folder and started as a bundle host starts it; the npm tarball
 * is packed, installed offline into a temporary folder and started through its bin and through npx.
 * Also checks that manifest.json stays in step with package.json and with what the server serves.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLANS, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { SERVER_VERSION } from '../../src/version.js';
import { simulatorEnv, spawnServer } from '../helpers/stdio.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MCPB_CLI = join(ROOT, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js');
const TOOL = 'list_backup_set_download_tasks';
const WAIT_TOOL = 'wait_for_backup_set_download_task';
const CONTRACT_VARIABLES = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALIBABA_CLOUD_REGION_ID',
  'ALIBABA_CLOUD_DBS_ENDPOINT',
  'DBS_MCP_TIMEOUT_MS',
  'DBS_MCP_MAX_ATTEMPTS',
  'DBS_MCP_CONCURRENCY',
  'HTTPS_PROXY',
  'NO_PROXY',
  // Node's own: company CAs added to the trusted ones.
  'NODE_EXTRA_CA_CERTS',
];

interface UserConfigEntry {
  type: string;
  required?: boolean;
  sensitive?: boolean;
  default?: string;
}
/** What manifest.json and package.json both state, and must state alike. */
interface PackageFacts {
  name: string;
  version: string;
  description: string;
  license: string;
  keywords: string[];
  repository: { type: string; url: string };
}
interface Manifest extends PackageFacts {
  server: { type: string; entry_point: string; mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  tools: { name: string; description?: string }[];
  user_config: Record<string, UserConfigEntry>;
  compatibility: { platforms: string[]; runtimes: { node: string } };
}
interface PackageJson extends PackageFacts {
  mcpName: string;
  engines: { node: string };
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as Manifest;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** npm run by `npm test` exports its own settings as npm_* variables; nested npm calls must not inherit them. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

/** Expands `${__dirname}` and `${user_config.key}` in the manifest's mcp_config, as a bundle host does. */
function hostLaunch(dir: string, userConfig: Record<string, string>): { command: string; args: string[]; env: Record<string, string> } {
  const expand = (value: string): string =>
    value.replaceAll('${__dirname}', dir).replace(/\$\{user_config\.([a-z_]+)\}/g, (_, key: string) => {
      if (!(key in manifest.user_config)) throw new Error(`mcp_config names an unknown user_config key ${key}`);
      return userConfig[key] ?? manifest.user_config[key]?.default ?? '';
    });
  const { command, args, env } = manifest.server.mcp_config;
  return {
    // Hosts run "node" with the Node they ship; here it is the one running the tests.
    command: command === 'node' ? process.execPath : command,
    args: args.map(expand),
    env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, expand(value)])),
  };
}

async function connect(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<Client> {
  const client = new Client({ name: 'package-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env, cwd, stderr: 'pipe' }));
  return client;
}

interface Structured {
  request: { endpoint: string };
  page: { totalElements: number | null };
  summary: { fetched: number; matched: number };
}

async function callDemoPlan(client: Client): Promise<Structured> {
  const result = (await client.callTool({ name: TOOL, arguments: { backupPlanId: 'dbs1demoplan01', pageSize: 50, states: ['failed'] } })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  expect(result.isError, text).toBeFalsy();
  expect(text).toMatch(/^Backup set download tasks for plan dbs1demoplan01, region cn-hangzhou/);
  return result.structuredContent as unknown as Structured;
}

let sim: Simulator;
let work: string;

beforeAll(async () => {
  sim = await startSimulator({ plans: DEMO_PLANS });
  work = await mkdtemp(join(tmpdir(), 'dbs-backup-mcp-package-'));
});

afterAll(async () => {
  await sim?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('manifest.json', () => {
  it('keeps name, version, description, licence, keywords, repository and Node range equal to package.json', () => {
    expect(manifest.version).toBe(pkg.version);
    expect(SERVER_VERSION).toBe(pkg.version);
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.description).toBe(pkg.description);
    expect(manifest.license).toBe(pkg.license);
    expect(manifest.keywords).toEqual(pkg.keywords);
    // npm writes repository URLs as git+https://....git; the manifest wants a plain https URL.
    expect(manifest.repository.url).toBe(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''));
    expect(manifest.compatibility.runtimes.node).toBe(pkg.engines.node);
  });

  it('lists exactly the tools the built server serves, with the same descriptions', async () => {
    const session = await spawnServer({});
    try {
      const { tools } = await session.client.listTools();
      expect(manifest.tools).toEqual(tools.map((t) => ({ name: t.name, description: t.description })));
      expect(session.client.getServerVersion()?.version).toBe(manifest.version);
    } finally {
      await session.close();
    }
  });

  it('passes every user setting to the server through a variable of the contract', () => {
    const { env } = manifest.server.mcp_config;
    expect(Object.keys(env).every((name) => CONTRACT_VARIABLES.includes(name))).toBe(true);
    const referenced = Object.values(env).map((value) => /^\$\{user_config\.([a-z_]+)\}$/.exec(value)?.[1]);
    expect(referenced.sort()).toEqual(Object.keys(manifest.user_config).sort());
    expect(manifest.user_config.access_key_secret).toMatchObject({ sensitive: true, required: true });
    expect(manifest.user_config.security_token).toMatchObject({ sensitive: true, required: false });
    expect(manifest.user_config.region_id?.default).toBe('cn-hangzhou');
    // A proxy URL can carry a password.
    expect(manifest.user_config.https_proxy).toMatchObject({ sensitive: true, required: false });
  });

  it('passes mcpb validate, whose schema rejects what it does not know', async () => {
    const { stdout } = await run(process.execPath, [MCPB_CLI, 'validate', join(ROOT, 'manifest.json')]);
    expect(stdout).toContain('Manifest schema validation passes!');
    const broken = join(work, 'broken-manifest.json');
    await writeFile(broken, JSON.stringify({ ...manifest, tools: [{ name: TOOL, inputSchema: {} }] }));
    await expect(run(process.execPath, [MCPB_CLI, 'validate', broken])).rejects.toMatchObject({ code: 1 });
  });
});

interface RegistryVariable {
  name: string;
  description: string;
  isRequired: boolean;
  isSecret: boolean;
}
interface ServerJson {
  $schema: string;
  name: string;
  description: string;
  version: string;
  repository: { url: string; source: string };
  packages: { registryType: string; identifier: string; version: string; transport: { type: string }; environmentVariables: RegistryVariable[] }[];
}

describe('one version everywhere, and the MCP Registry entry', () => {
  const serverJson = JSON.parse(readFileSync(join(ROOT, 'server.json'), 'utf8')) as ServerJson;

  it('server.json names the npm package by its mcpName and version, over stdio', () => {
    expect(serverJson.$schema).toMatch(/^https:\/\/static\.modelcontextprotocol\.io\/schemas\/\d{4}-\d{2}-\d{2}\/server\.schema\.json$/);
    expect(serverJson.name).toBe(pkg.mcpName);
    expect(pkg.mcpName).toBe('io.github.dbs-backup-mcp/dbs-backup-mcp');
    // The registry's schema caps the description at 100 characters.
    expect(serverJson.description.length).toBeLessThanOrEqual(100);
    expect(serverJson.version).toBe(pkg.version);
    expect(serverJson.repository).toEqual({ url: manifest.repository.url, source: 'github' });
    expect(serverJson.packages).toHaveLength(1);
    expect(serverJson.packages[0]).toMatchObject({ registryType: 'npm', identifier: pkg.name, version: pkg.version, transport: { type: 'stdio' } });
  });

  it('server.json lists contract variables only, with the secrets marked secret', () => {
    const variables = serverJson.packages[0]!.environmentVariables;
    expect(variables.map((v) => v.name).filter((name) => ![...CONTRACT_VARIABLES, 'DBS_MCP_LOG_FORMAT'].includes(name))).toEqual([]);
    const secret = variables.filter((v) => v.isSecret).map((v) => v.name);
    expect(secret).toEqual(['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'HTTPS_PROXY']);
    // The server starts without credentials (they may come from a profile or a RAM role): nothing is required.
    expect(variables.filter((v) => v.isRequired)).toEqual([]);
    expect(variables.every((v) => v.description.length > 0)).toBe(true);
  });

  it('the built server prints the same version for --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const { stdout } = await run(process.execPath, [join(ROOT, 'dist/index.js'), flag]);
      expect(stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('CHANGELOG.md has a section for this version, newest first', () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\]/gm)].map((m) => m[1]);
    expect(versions[0]).toBe(pkg.version);
    expect(versions).toContain('0.1.0');
  });

  it('passes npm publish --dry-run with no tests or sources in the package', async () => {
    const { stdout } = await run('npm', ['publish', '--dry-run', '--ignore-scripts', '--offline', '--json'], { cwd: ROOT, env: cleanEnv() });
    const report = JSON.parse(stdout) as Record<string, { id: string; files: { path: string }[] }>;
    const published = report[pkg.name] ?? (report as unknown as { id: string; files: { path: string }[] });
    expect(published.id).toBe(`${pkg.name}@${pkg.version}`);
    const paths = published.files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths.filter((f) => /^(src|test|sim|scripts|bench)\/|\.ts$/.test(f))).toEqual([]);
  });
});

describe('npm run release', () => {
  it('writes the tarball and the bundle of this version with SHA-256 sums that check', async () => {
    const out = join(work, 'release');
    await run(process.execPath, [join(ROOT, 'scripts/release.mjs'), '--skip-build', '--out', out], { cwd: ROOT, env: cleanEnv() });
    const sums = (await readFile(join(out, 'SHA256SUMS'), 'utf8')).trim().split('\n');
    expect(sums.map((line) => line.split('  ')[1])).toEqual([`${pkg.name}-${pkg.version}.tgz`, `${pkg.name}-${pkg.version}.mcpb`]);
    for (const line of sums) {
      const [sum, file] = line.split('  ');
      expect(
        createHash('sha256')
          .update(await readFile(join(out, file!)))
          .digest('hex'),
      ).toBe(sum);
    }
  });
});

describe('the MCP bundle', () => {
  let unpacked: string;
  let bundleSize: number;

  beforeAll(async () => {
    const bundle = join(work, 'bundle.mcpb');
    const packed = await run(process.execPath, [join(ROOT, 'scripts/pack-mcpb.mjs'), '--out', bundle], { cwd: ROOT });
    bundleSize = Number(/: (\d+) KiB/.exec(packed.stderr)?.[1]);
    unpacked = join(work, 'unpacked-bundle');
    // Unpacked into a folder with no node_modules on the way up: the server must need nothing outside it.
    await run(process.execPath, [MCPB_CLI, 'unpack', bundle, unpacked]);
  });

  it('holds the manifest, the bundled server and nothing of the source tree', async () => {
    const files = (await readdir(unpacked, { recursive: true, withFileTypes: true }))
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name).slice(unpacked.length + 1));
    expect(files).toContain('manifest.json');
    expect(files).toContain(manifest.server.entry_point);
    expect(files.filter((f) => !/^(manifest\.json|package\.json|LICENSE|README\.md|server\/index\.js|server\/chunks\/[\w-]+\.js)$/.test(f))).toEqual([]);
    expect(JSON.parse(await readFile(join(unpacked, 'manifest.json'), 'utf8'))).toEqual(manifest);
    // The size the README quotes: well under a megabyte, since no node_modules travel with it.
    expect(bundleSize).toBeGreaterThan(100);
    expect(bundleSize).toBeLessThan(1024);
  });

  it('starts from the unpacked folder as a host starts it, with an unset optional setting as ""', async () => {
    const launch = hostLaunch(unpacked, {
      access_key_id: TEST_CREDENTIALS.accessKeyId,
      access_key_secret: TEST_CREDENTIALS.accessKeySecret,
      security_token: '',
      endpoint: sim.url,
    });
    expect(launch.env.ALIBABA_CLOUD_SECURITY_TOKEN).toBe('');
    expect([launch.env.HTTPS_PROXY, launch.env.NO_PROXY, launch.env.NODE_EXTRA_CA_CERTS]).toEqual(['', '', '']);
    expect(launch.env.ALIBABA_CLOUD_REGION_ID).toBe('cn-hangzhou');
    const client = await connect(launch.command, launch.args, launch.env, unpacked);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([TOOL, 'list_backup_plans', WAIT_TOOL]);
      const before = sim.requests.length;
      const s = await callDemoPlan(client);
      expect(s.request.endpoint).toBe(sim.endpoint);
      expect(s.page.totalElements).toBe(45);
      expect(s.summary.fetched).toBe(45);
      // The empty token counts as unset: the request goes out signed with the key alone.
      const seen = sim.requests.slice(before);
      expect(seen.map((r) => r.status)).toEqual([200]);
      expect(seen[0]!.headers['x-acs-security-token']).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});

describe('the npm package', () => {
  let app: string;
  let packedFiles: string[];
  let packedManifest: PackageJson;

  beforeAll(async () => {
    const env = cleanEnv();
    // The global setup has built dist/; --ignore-scripts keeps prepack from rebuilding it under the other tests.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = info!.files.map((f) => f.path);
    app = join(work, 'app');
    // --offline with an empty cache: the package must install with nothing from the registry.
    await run('npm', ['install', '--prefix', app, '--offline', '--cache', join(work, 'npm-cache'), '--no-audit', '--no-fund', join(work, info!.filename)], {
      cwd: work,
      env,
    });
    packedManifest = JSON.parse(await readFile(join(app, 'node_modules', pkg.name, 'package.json'), 'utf8')) as PackageJson;
  });

  it('ships exactly what runs, and no runtime dependencies', () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('package.json');
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles.some((f) => f.startsWith('dist/chunks/'))).toBe(true);
    expect(packedFiles).toEqual(expect.arrayContaining(['CHANGELOG.md', 'README.zh-CN.md']));
    expect(packedFiles.filter((f) => !/^(package\.json|LICENSE|README(\.zh-CN)?\.md|CHANGELOG\.md|dist\/index\.js|dist\/chunks\/[\w-]+\.js)$/.test(f))).toEqual(
      [],
    );
    expect(packedManifest.dependencies ?? {}).toEqual({});
    expect(packedManifest.bin).toEqual({ [pkg.name]: 'dist/index.js' });
  });

  it('starts through the installed bin and serves the tool', async () => {
    const bin = join(app, 'node_modules', '.bin', pkg.name);
    const client = await connect(bin, [], simulatorEnv(sim), app);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([TOOL, 'list_backup_plans', WAIT_TOOL]);
      const s = await callDemoPlan(client);
      expect(s.summary.fetched).toBe(45);
      expect(s.summary.matched).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('starts through npx', async () => {
    const client = await connect('npx', ['--no', pkg.name], simulatorEnv(sim), app);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: pkg.name, version: pkg.version });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([TOOL, 'list_backup_plans', WAIT_TOOL]);
    } finally {
      await client.close();
    }
  });
});
