/**
 * The README's commands, read out of the README itself so the test fails when it drifts: the Inspector
 * call runs against the built server and the simulator as written (with the simulator's address), the
 * Claude Code command has the shape the CLI accepts, and the Chinese guide carries every command unchanged.
 * The Inspector itself is not run here: it fetches from the network; Claude Code runs the README's commands in
 * test/clients (`npm run test:clients`).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_BACKUP_PLANS, DEMO_PLANS, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import { claudeMcpAdd, readme, ROOT, shellCommands, words } from '../helpers/readme.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };

const commands = shellCommands(readme);

describe('the README', () => {
  it('stays a user guide under about 400 lines, and links the Chinese guide and the changelog', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(405);
    expect(readme).toContain('(README.zh-CN.md)');
    expect(readme).toContain('(CHANGELOG.md)');
  });

  it('runs only npm scripts that exist', () => {
    const scripts = commands.flatMap((c) => [...c.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(scripts.length).toBeGreaterThan(3);
    expect(scripts.filter((name) => !(name in pkg.scripts))).toEqual([]);
  });

  it('installs the tarball of this version', () => {
    const installs = commands.filter((c) => c.startsWith('npm install -g'));
    expect(installs.map((c) => words(c)[3])).toEqual([`./.tmp/release/${pkg.name}-${pkg.version}.tgz`]);
  });

  it('writes claude mcp add with the server name before the first --env and the command after --', () => {
    const adds = commands.filter((c) => c.startsWith('claude mcp add'));
    expect(adds).toHaveLength(1);
    const argv = words(adds[0]!);
    const dashDash = argv.indexOf('--');
    const options = argv.slice(3, dashDash);
    // Options that take one value, then the name, then the repeatable --env pairs and nothing else.
    expect(options.slice(0, 5)).toEqual(['--transport', 'stdio', '--scope', 'user', 'dbs-backup']);
    const rest = options.slice(5);
    expect(rest.filter((_, i) => i % 2 === 0).every((flag) => flag === '--env')).toBe(true);
    expect(rest.filter((_, i) => i % 2 === 1).every((pair) => /^[A-Z_]+=\S+$/.test(pair))).toBe(true);
    expect(argv.slice(dashDash + 1)).toEqual(['npx', '-y', pkg.name]);
    expect(commands.map((c) => words(c).join(' '))).toContain('claude mcp list');
    expect(claudeMcpAdd(commands).env.map(([name]) => name)).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
  });

  it('runs the Inspector call as written: npx -y, and arguments the tool accepts', async () => {
    const inspector = commands.filter((c) => c.includes('@modelcontextprotocol/inspector'));
    expect(inspector).toHaveLength(1);
    const argv = words(inspector[0]!);
    expect(argv.slice(0, 4)).toEqual(['npx', '-y', '@modelcontextprotocol/inspector', '--cli']);
    const env: Record<string, string> = { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
    const server: string[] = [];
    const toolArgs: Record<string, unknown> = {};
    let method = '';
    let toolName = '';
    for (let i = 4; i < argv.length; i++) {
      const word = argv[i]!;
      if (word === '-e') {
        const [name, ...value] = argv[++i]!.split('=');
        env[name!] = value.join('=');
      } else if (word === '--method') method = argv[++i]!;
      else if (word === '--tool-name') toolName = argv[++i]!;
      else if (word === '--tool-arg') {
        const [name, ...value] = argv[++i]!.split('=');
        const raw = value.join('=');
        // The Inspector reads a value as JSON when it parses.
        toolArgs[name!] = (() => {
          try {
            return JSON.parse(raw) as unknown;
          } catch {
            return raw;
          }
        })();
      } else server.push(word);
    }
    expect(server).toEqual(['node', 'dist/index.js']);
    expect(env).toMatchObject({ ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret });
    expect(env.ALIBABA_CLOUD_DBS_ENDPOINT).toBe('http://127.0.0.1:8787');
    expect(method).toBe('tools/call');

    const sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: DEMO_BACKUP_PLANS });
    const client = new Client({ name: 'readme', version: '1.0.0' });
    try {
      env.ALIBABA_CLOUD_DBS_ENDPOINT = sim.url;
      await client.connect(new StdioClientTransport({ command: process.execPath, args: server.slice(1), env, cwd: ROOT, stderr: 'pipe' }));
      const result = (await client.callTool({ name: toolName, arguments: toolArgs })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      expect(result.isError, text).toBeFalsy();
      expect(text).toMatch(/^Backup set download tasks for plan dbs1demoplan01/);
      expect(sim.requests.every((r) => r.status === 200)).toBe(true);
    } finally {
      await client.close();
      await sim.close();
    }
  });
});

describe('README.zh-CN.md', () => {
  const zh = readFileSync(join(ROOT, 'README.zh-CN.md'), 'utf8');

  it('carries every shell command of the README unchanged', () => {
    const zhCommands = shellCommands(zh);
    expect(commands.filter((c) => !zhCommands.includes(c))).toEqual([]);
  });

  it('covers the same sections: quick start, install, settings, tools, troubleshooting', () => {
    for (const heading of ['快速开始', '安装', '配置', '工具', '故障排查']) expect(zh).toMatch(new RegExp(`^## ${heading}`, 'm'));
    for (const name of ['list_backup_plans', 'list_backup_set_download_tasks', 'wait_for_backup_set_download_task', 'DBS_MCP_LOG_FORMAT'])
      expect(zh).toContain(name);
    expect(zh).toContain('(README.md)');
  });
});
