/**
 * The README's Claude Code commands, run with the real `claude` (installed by `npm run test:clients`):
 * `claude mcp add` as written, with test values for the --env pairs, the simulator as the endpoint and the
 * built server as the command; then `claude mcp list`, which starts the server and does the MCP handshake.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { DEMO_BACKUP_PLANS, DEMO_PLANS, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import { claudeMcpAdd, readme, ROOT, shellCommands, words } from '../helpers/readme.js';

const CLAUDE = process.env.DBS_MCP_TEST_CLAUDE ?? '';
const SERVER = join(ROOT, 'dist', 'index.js');
const TEST_VALUES: Record<string, string> = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
  ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou',
};

it("adds the server with the README's `claude mcp add`, and `claude mcp list` reports it Connected", async () => {
  if (!existsSync(CLAUDE)) throw new Error('DBS_MCP_TEST_CLAUDE is not the claude binary: run this through npm run test:clients');
  if (!existsSync(SERVER)) throw new Error('dist/index.js is missing: run npm run build first');
  const commands = shellCommands(readme);
  const { head, env, command } = claudeMcpAdd(commands);
  expect(command[0], 'the README starts the server with npx').toBe('npx');
  const missing = env.filter(([name]) => !(name in TEST_VALUES)).map(([name]) => name);
  if (missing.length > 0) throw new Error(`the README's claude mcp add sets ${missing.join(', ')}: give it a test value in TEST_VALUES`);
  const list = commands.map(words).find((argv) => argv.join(' ') === 'claude mcp list');
  if (!list) throw new Error('the README no longer runs `claude mcp list` after `claude mcp add`');

  const sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: DEMO_BACKUP_PLANS });
  const home = await mkdtemp(join(tmpdir(), 'dbs-mcp-claude-'));
  // Only what Claude Code needs: a fresh HOME holds its whole config, and nothing is sent anywhere.
  const claudeEnv = { HOME: home, PATH: process.env.PATH ?? '', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
  const claude = (argv: string[]) => promisify(execFile)(CLAUDE, argv.slice(1), { env: claudeEnv, cwd: home, timeout: 60_000 });
  try {
    const envArgs = [
      ...env.map(([name]) => [name, TEST_VALUES[name]]),
      ['ALIBABA_CLOUD_DBS_ENDPOINT', sim.url],
      ['ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true'],
    ];
    const added = await claude([...head, ...envArgs.flatMap(([name, value]) => ['--env', `${name}=${value}`]), '--', process.execPath, SERVER]);
    expect(added.stdout).toMatch(/^Added stdio MCP server dbs-backup with command: /m);
    const listed = await claude(list);
    expect(listed.stdout).toContain(`dbs-backup: ${process.execPath} ${SERVER} - ✔ Connected`);
  } finally {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  }
});
