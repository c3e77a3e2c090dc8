/** Upstream text on one line, control characters escaped, redaction before the cut, and lookups named as they happen. */
import { describe, expect, it } from 'vitest';
import { lookupPlace } from '../../src/dbs/endpoint.js';
import { DbsError } from '../../src/dbs/errors.js';
import { createLogger } from '../../src/log.js';
import { MAX_TEXT_CHARS, oneLine, rememberSecret, upstreamText } from '../../src/redact.js';
import { planNotFound } from '../../src/tools/shared/errors.js';
import { taskNotFound } from '../../src/tools/wait-for-backup-set-download-task/wait.js';

describe('oneLine', () => {
  it('escapes newlines, ESC, C1 controls, bidi controls, zero-width characters and lone surrogates', () => {
    expect(oneLine('a\nb\rc\td')).toBe('a\\nb\\rc d');
    expect(oneLine('\x1b[2K\x9b\u202e\u2066\u200b\ufeff')).toBe('\\u001b[2K\\u009b\\u202e\\u2066\\u200b\\ufeff');
    expect(oneLine('x\ud800y\udc00')).toBe('x\\ud800y\\udc00');
  });

  it('keeps ordinary text, accents, CJK and surrogate pairs as they are', () => {
    const text = 'Café 备份 😀 "quoted" <tag>';
    expect(oneLine(text)).toBe(text);
  });
});

describe('upstreamText', () => {
  it('redacts a remembered secret that straddles the cut, then cuts', () => {
    const secret = 'Straddling-Secret-Value-0123456789';
    rememberSecret(secret);
    const text = `${'x'.repeat(MAX_TEXT_CHARS - 10)}${secret} tail`;
    expect(upstreamText(text)).toBe(`${'x'.repeat(MAX_TEXT_CHARS - 10)}*** tail`);
  });

  it('drops a secret the first, generous cut split in two, and marks the cut', () => {
    const filler = 'Filler-Secret-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
    const secret = 'Split-By-First-Cut-Secret-9876543210';
    rememberSecret(filler);
    rememberSecret(secret);
    // The first cut (8 times the shown size, 800) falls 8 characters into the secret, and what precedes it redacts to 54 characters.
    const text = `${filler.repeat(18)}${secret}`;
    expect(text.indexOf(secret)).toBe(792);
    const out = upstreamText(text, 100);
    expect(out).toMatch(/^\*{3,54}\.\.\. \(cut\)$/);
    expect(out.endsWith('... (cut)')).toBe(true);
    expect(out).not.toContain('Split');
  });

  it('counts escapes in the cut, so the result stays within the bound', () => {
    const out = upstreamText('\n'.repeat(5_000));
    expect(out).toBe(`${'\\n'.repeat(MAX_TEXT_CHARS / 2)}... (cut)`);
  });

  it('redacts a short proxy password it was told to, and no shorter value than asked', () => {
    rememberSecret('pw9', 4);
    expect(upstreamText('user pw9')).toBe('user pw9');
    rememberSecret('pw9z', 4);
    expect(upstreamText('user pw9z')).toBe('user ***');
  });
});

describe('log lines', () => {
  it('writes one line per entry, in text and JSON, whatever the message and fields hold', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), now: () => new Date(0) });
    log.warning('bad\r\x1b[2Kinfo: all good\nNext: forged');
    log.setFormat('json');
    log.warning('json\u202e', { reason: 'a\nb\x9b' });
    expect(lines[0]).toBe('dbs-backup-mcp warning: bad\\r\\u001b[2Kinfo: all good\\nNext: forged\n');
    expect(JSON.parse(lines[1]!)).toMatchObject({ message: 'json\\u202e', reason: 'a\\nb\\u009b' });
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    for (const line of lines) expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe('a lookup in a region without an endpoint of its own', () => {
  const central = 'dbs-api.cn-hangzhou.aliyuncs.com';

  it('names the shared endpoint it went to, for the task and the plan', () => {
    expect(lookupPlace('cn-beijing', central)).toBe(`at ${central}, the endpoint region cn-beijing shares with cn-hangzhou and other regions`);
    const input = { backupSetDownloadTaskId: 't1', backupPlanId: '' } as Parameters<typeof taskNotFound>[0];
    expect(taskNotFound(input, 'cn-beijing', central).message).toBe(
      `no download task t1 at ${central}, the endpoint region cn-beijing shares with cn-hangzhou and other regions`,
    );
    const wrapped = planNotFound(new DbsError('Param.NotFound', 'not valid'), 'plan1', 'us-west-1', central) as DbsError;
    expect(wrapped.message).toBe(
      `backup plan plan1 was not found at ${central}, the endpoint region us-west-1 shares with cn-hangzhou and other regions (list_backup_plans lists the plans of a region): not valid`,
    );
  });

  it('keeps "in region" where the region has its own endpoint, or is the central one', () => {
    expect(lookupPlace('cn-hangzhou', central)).toBe('in region cn-hangzhou');
    expect(lookupPlace('ap-southeast-1', 'dbs-api.ap-southeast-1.aliyuncs.com')).toBe('in region ap-southeast-1');
    expect(lookupPlace('cn-beijing', '127.0.0.1:8080')).toBe('in region cn-beijing');
  });
});
