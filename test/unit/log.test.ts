import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

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
