/** DBS_MCP_LOG_FORMAT=json, as a log pipeline reads it: every stderr line of the built server is one JSON object. */
import { describe, expect, it } from 'vitest';
import { DEMO_PLANS, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import { runServer } from '../helpers/http.js';
import { simulatorEnv, spawnServer } from '../helpers/stdio.js';

interface JsonLine {
  time: string;
  level: string;
  message: string;
  tool?: string;
  durationMs?: number;
  requestIds?: string | null;
}

function parseLines(stderr: string): JsonLine[] {
  const lines = stderr.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const parsed = JSON.parse(line) as JsonLine;
    expect(new Date(parsed.time).toISOString()).toBe(parsed.time);
    expect(['debug', 'info', 'warning', 'error']).toContain(parsed.level);
    expect(typeof parsed.message).toBe('string');
    return parsed;
  });
}

describe('DBS_MCP_LOG_FORMAT=json', () => {
  it('writes only JSON lines on stderr, with the tool and duration of each call, and no secret', async () => {
    const sim = await startSimulator({ plans: DEMO_PLANS });
    const session = await spawnServer(simulatorEnv(sim, { DBS_MCP_LOG_FORMAT: 'json', DBS_MCP_LOG_LEVEL: 'debug' }));
    try {
      sim.addFault({ kind: 'throttling', times: 1 });
      const result = await session.callTool({ backupPlanId: 'dbs1demoplan01', allPages: true });
      expect(result.isError).toBeFalsy();
      await session.callTool({ limit: 1 }, { name: 'list_backup_plans' });
    } finally {
      await session.close();
      await sim.close();
    }
    const stderr = session.stderr();
    expect(stderr).not.toContain(TEST_CREDENTIALS.accessKeySecret);
    const lines = parseLines(stderr);
    expect(lines.find((l) => l.message.startsWith('ready'))).toMatchObject({ level: 'debug' });
    expect(lines.find((l) => l.level === 'warning')).toMatchObject({ tool: 'list_backup_set_download_tasks', message: expect.stringMatching(/Throttling/) });
    const calls = lines.filter((l) => l.level === 'debug' && l.durationMs !== undefined);
    expect(calls.map((l) => l.tool)).toEqual(['list_backup_set_download_tasks', 'list_backup_plans']);
    expect(calls.every((l) => Number.isInteger(l.durationMs) && l.durationMs! >= 0)).toBe(true);
    // Each call names the upstream request ids it used, for tracing it at Alibaba Cloud.
    expect(calls.every((l) => typeof l.requestIds === 'string' && l.requestIds.length > 0)).toBe(true);
  });

  it('reports a bad setting at start as a JSON line too', async () => {
    const sim = await startSimulator();
    try {
      const run = await runServer(simulatorEnv(sim, { DBS_MCP_LOG_FORMAT: 'json', DBS_MCP_LOG_LEVEL: 'verbose' }), []);
      expect(run.code).toBe(1);
      expect(parseLines(run.stderr)).toEqual([
        expect.objectContaining({ level: 'error', message: 'configuration: DBS_MCP_LOG_LEVEL must be one of debug, info, warning, error, got "verbose"' }),
      ]);
    } finally {
      await sim.close();
    }
  });

  it('refuses an unknown format at start, in text', async () => {
    const sim = await startSimulator();
    try {
      const run = await runServer(simulatorEnv(sim, { DBS_MCP_LOG_FORMAT: 'yaml' }), []);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('dbs-backup-mcp error: configuration: DBS_MCP_LOG_FORMAT must be one of text, json, got "yaml"\n');
      expect(sim.requests).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
