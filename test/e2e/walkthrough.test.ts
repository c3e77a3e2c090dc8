/**
 * What a new user runs from a clone: `npm run demo` (built as dist/tools/demo.js) must end with how to
 * connect a client, and `npm run simulator` must offer tasks that move, so the wait tool settles by hand.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { spawnServer } from '../helpers/stdio.js';

const run = promisify(execFile);
const TOOLS = fileURLToPath(new URL('../../dist/tools/', import.meta.url));

describe('npm run demo', () => {
  it('ends with a working client entry and the Claude Code command, the name before --env', async () => {
    const { stdout } = await run(process.execPath, [`${TOOLS}demo.js`], { timeout: 60_000 });
    // One account question, answered from every plan of every region in one call.
    expect(stdout).toMatch(/^All \d+ regions: all \d+ backup plans read, \d+ download tasks\.$/m);
    const next = stdout.slice(stdout.indexOf('=== Next: connect a client'));
    expect(next).not.toBe(stdout);
    const json = /\n(\{\n[\s\S]*?\n\})\n/.exec(next)?.[1];
    const entry = (JSON.parse(json!) as { mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }> }).mcpServers[
      'dbs-backup'
    ]!;
    expect(entry.command).toBe('node');
    expect(existsSync(entry.args[0]!)).toBe(true);
    expect(Object.keys(entry.env)).toEqual(['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_REGION_ID']);
    const command = /^claude mcp add .*(?:\n {2}.*)*/m.exec(next)?.[0].replaceAll('\\\n', ' ').replace(/\s+/g, ' ');
    expect(command).toBe(
      `claude mcp add --transport stdio --scope user dbs-backup --env ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI... --env ALIBABA_CLOUD_ACCESS_KEY_SECRET=... --env ALIBABA_CLOUD_REGION_ID=cn-hangzhou -- node ${entry.args[0]}`,
    );
  });
});

describe('npm run simulator', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('prints tasks that move along, and the wait tool sees one finish and one fail', async () => {
    child = spawn(process.execPath, [`${TOOLS}simulator.js`, '--port', '0', '--settle-seconds', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let banner = '';
    await new Promise<void>((resolve, reject) => {
      child!.stderr!.on('data', (chunk: Buffer) => {
        banner += chunk.toString('utf8');
        if (banner.includes('Ctrl-C stops it.')) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${banner}`)));
    });
    const url = /ALIBABA_CLOUD_DBS_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const moving = [...banner.matchAll(/^ {2}(dbstk\w+): (succeeded|failed) about (\d+) s after start$/gm)].map((m) => ({ taskId: m[1]!, outcome: m[2]! }));
    expect(url).toBeDefined();
    expect(moving.map((t) => t.outcome)).toEqual(['succeeded', 'failed', 'succeeded']);

    const session = await spawnServer({
      ALIBABA_CLOUD_DBS_ENDPOINT: url!,
      ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    });
    try {
      const name = 'wait_for_backup_set_download_task';
      const before = await session.callTool({ backupSetDownloadTaskId: moving[0]!.taskId, timeoutSeconds: 1, pollIntervalSeconds: 2 }, { name });
      expect(before.structuredContent).toMatchObject({ outcome: 'timeout' });
      const outcomes = await Promise.all(
        moving.slice(0, 2).map((t) => session.callTool({ backupSetDownloadTaskId: t.taskId, timeoutSeconds: 20, pollIntervalSeconds: 2 }, { name })),
      );
      expect(outcomes.map((r) => (r.structuredContent as { outcome: string }).outcome)).toEqual(['succeeded', 'failed']);
      expect(outcomes[1]!.text).toMatch(/OSS bucket quota exceeded/);
    } finally {
      await session.close();
    }
  });
});
