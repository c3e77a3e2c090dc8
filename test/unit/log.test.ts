import { describe, expect, it } from 'vitest';
import { ConfigError, readLogFormat } from '../../src/config.js';
import { createLogger, formatLine } from '../../src/log.js';

describe('createLogger', () => {
  it('never throws when the write fails', () => {
    const log = createLogger({
      write: () => {
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
    });
    expect(() => log.error('x')).not.toThrow();
  });

  it('drops a line logged while another is being written, instead of recursing', () => {
    const lines: string[] = [];
    const log = createLogger({
      write: (line) => {
        lines.push(line);
        log.error(`while writing: ${line}`);
      },
    });
    log.error('first');
    log.error('second');
    expect(lines).toEqual(['dbs-backup-mcp error: first\n', 'dbs-backup-mcp error: second\n']);
  });

  it('cuts a huge message to one short line and redacts it', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    log.warning(`https://b.oss.aliyuncs.com/f?Signature=abc ${'m'.repeat(1_000_000)}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(8_300);
    expect(lines[0]).toMatch(/^dbs-backup-mcp warning: https:\/\/b\.oss\.aliyuncs\.com\/f\?\*\*\* m+\.\.\. \(cut\)\n$/);
  });

  it('writes from the level it is set to', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), stderrLevel: 'warning' });
    log.info('hidden');
    log.setStderrLevel('debug');
    log.debug('shown');
    expect(lines).toEqual(['dbs-backup-mcp debug: shown\n']);
  });
});

describe('JSON log lines', () => {
  const at = new Date('2026-12-01T08:00:00.000Z');

  it('writes one object per line with time, level, message and the fields given', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), stderrLevel: 'debug', format: 'json', now: () => at });
    log.debug('list_backup_plans: 2 page(s), 12 plans in 35 ms', { tool: 'list_backup_plans', durationMs: 35 });
    log.warning('list_backup_set_download_tasks page 3: Throttling.User, retrying in 400 ms (attempt 1 of 3)', { tool: 'list_backup_set_download_tasks' });
    log.info('listening on http://127.0.0.1:8816/mcp', { port: 8816 });
    expect(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: '2026-12-01T08:00:00.000Z',
        level: 'debug',
        message: 'list_backup_plans: 2 page(s), 12 plans in 35 ms',
        tool: 'list_backup_plans',
        durationMs: 35,
      },
      {
        time: '2026-12-01T08:00:00.000Z',
        level: 'warning',
        message: 'list_backup_set_download_tasks page 3: Throttling.User, retrying in 400 ms (attempt 1 of 3)',
        tool: 'list_backup_set_download_tasks',
      },
      { time: '2026-12-01T08:00:00.000Z', level: 'info', message: 'listening on http://127.0.0.1:8816/mcp', port: 8816 },
    ]);
  });

  it('lets no field replace time, level or message', () => {
    const fields = { level: 'x', time: 'y', message: 'z', tool: 'wait_for_backup_set_download_task', requestId: '6A1B-22C3' };
    expect(
      JSON.parse(formatLine('json', 'warning', 'wait_for_backup_set_download_task: Throttling: slow down (HTTP 429, request id 6A1B-22C3)', fields, at)),
    ).toEqual({
      time: '2026-12-01T08:00:00.000Z',
      level: 'warning',
      message: 'wait_for_backup_set_download_task: Throttling: slow down (HTTP 429, request id 6A1B-22C3)',
      tool: 'wait_for_backup_set_download_task',
      requestId: '6A1B-22C3',
    });
  });

  it('redacts secrets in the message and in string fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), format: 'json', now: () => at });
    log.error('fetch https://b.oss.aliyuncs.com/f?Signature=abc failed', { url: 'https://b.oss.aliyuncs.com/f?Expires=1&Signature=abc' });
    expect(lines[0]).not.toContain('Signature=abc');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', url: 'https://b.oss.aliyuncs.com/f?***' });
  });

  it('keeps the text format readable, the default', () => {
    expect(formatLine('text', 'info', 'ready', { tool: 'x' }, at)).toBe('dbs-backup-mcp info: ready\n');
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    log.info('first');
    log.setFormat('json');
    log.info('second');
    expect(lines[0]).toBe('dbs-backup-mcp info: first\n');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'info', message: 'second' });
  });
});

describe('readLogFormat', () => {
  it.each([
    [{}, 'text'],
    [{ DBS_MCP_LOG_FORMAT: '' }, 'text'],
    [{ DBS_MCP_LOG_FORMAT: 'json' }, 'json'],
    [{ DBS_MCP_LOG_FORMAT: 'JSON' }, 'json'],
    [{ DBS_MCP_LOG_FORMAT: 'text' }, 'text'],
  ])('%o -> %s', (env, format) => {
    expect(readLogFormat(env)).toBe(format);
  });

  it.each(['ndjson', 'logfmt'])('refuses %s with a message naming the setting and the formats', (value) => {
    expect(() => readLogFormat({ DBS_MCP_LOG_FORMAT: value })).toThrow(new ConfigError(`DBS_MCP_LOG_FORMAT must be one of text, json, got "${value}"`));
  });
});
