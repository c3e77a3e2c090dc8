/** Hostile text from upstream: every step is linear in its size, and nothing long or secret survives. */
import { describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { describeBackupSetDownloadTaskList } from '../../src/dbs/operations.js';
import { pageOf, parseAnswer } from '../../src/dbs/page.js';
import { cutText, MAX_TEXT_CHARS, redactSecrets, rememberSecret, rememberSignature } from '../../src/redact.js';

const parsePage = (text: string, requestedPageSize?: number) =>
  pageOf(
    parseAnswer(200, 'application/json', text, describeBackupSetDownloadTaskList.urlFields),
    'BackupSetDownloadTaskDetail',
    'BackupSetDownloadTaskId',
    requestedPageSize,
  );

function failure(run: () => unknown): DbsError {
  try {
    run();
  } catch (error) {
    if (error instanceof DbsError) return error;
    throw error;
  }
  throw new Error('did not fail');
}

/** Milliseconds `run` takes; the inputs below took seconds each with backtracking patterns. */
function timed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('cutText', () => {
  it('keeps short text and cuts long text with a mark', () => {
    expect(cutText('abc')).toBe('abc');
    const long = 'x'.repeat(MAX_TEXT_CHARS + 1);
    expect(cutText(long)).toBe(`${'x'.repeat(MAX_TEXT_CHARS)}... (cut)`);
  });
});

describe('linear time on crafted upstream text', () => {
  it('strips the tags of a 502 body of 200,000 "<" quickly', () => {
    const body = '<'.repeat(200_000);
    let error: DbsError | undefined;
    const ms = timed(() => (error = failure(() => parseAnswer(502, 'text/html', body))));
    expect(ms).toBeLessThan(1_000);
    expect(error!.code).toBe('BadResponse');
    expect(error!.message.length).toBeLessThan(300);
  });

  it('redacts an error message of 30,000 "http://" quickly, and cuts it', () => {
    const message = 'http://'.repeat(30_000);
    let error: DbsError | undefined;
    const ms = timed(() => (error = failure(() => parseAnswer(400, 'application/json', JSON.stringify({ Code: 'X', Message: message })))));
    expect(ms).toBeLessThan(1_000);
    expect(error!.message.length).toBeLessThanOrEqual(MAX_TEXT_CHARS + 20);
    expect(error!.message.endsWith('... (cut)')).toBe(true);
  });

  it('redacts 1 MB of URL-like text in linear time', () => {
    for (const text of [
      'http://a'.repeat(125_000),
      `${'https://x/'.repeat(100_000)}?`,
      '?Signature='.repeat(90_000),
      'Signature=0'.repeat(90_000),
      'f'.repeat(1_000_000),
    ]) {
      expect(timed(() => redactSecrets(text))).toBeLessThan(1_000);
    }
  });

  it('cuts every string field of a page and reports the cut', () => {
    const page = parsePage(
      JSON.stringify({
        Success: true,
        RequestId: 'r'.repeat(5_000),
        Items: { BackupSetDownloadTaskDetail: [{ BackupSetDownloadTaskId: 't', ErrMessage: 'e'.repeat(15_000_000) }] },
      }),
    );
    expect(page.requestId).toBe(`${'r'.repeat(MAX_TEXT_CHARS)}... (cut)`);
    expect(page.items[0]!.ErrMessage).toBe(`${'e'.repeat(MAX_TEXT_CHARS)}... (cut)`);
  });

  it('cuts a 15 MB API error message', () => {
    const error = failure(() => parseAnswer(200, 'application/json', JSON.stringify({ Success: false, ErrCode: 'Boom', ErrMessage: 'm'.repeat(15_000_000) })));
    expect(error.code).toBe('Boom');
    expect(error.message).toBe(`${'m'.repeat(MAX_TEXT_CHARS)}... (cut)`);
  });
});

describe('page checks', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ BackupSetDownloadTaskId: `t${i}` }));

  it('refuses more items than the page size asked for, without retry', () => {
    const error = failure(() => parsePage(JSON.stringify({ Success: true, Items: { BackupSetDownloadTaskDetail: items(31) } }), 30));
    expect(error).toMatchObject({ code: 'BadResponse', retryable: false });
    expect(error.message).toBe('the endpoint answered a page of 31 items for a page size of 30');
  });

  it('refuses more items than the page size the answer states', () => {
    expect(failure(() => parsePage(JSON.stringify({ Success: true, PageSize: 30, Items: items(350) }))).code).toBe('BadResponse');
  });

  it('takes a full page', () => {
    expect(parsePage(JSON.stringify({ Success: true, PageSize: 30, Items: items(30) }), 30).items).toHaveLength(30);
  });

  it.each([`${'9'.repeat(200_000)}`, '123456789012345678901', '"12x"', '1.5'])('refuses a gateway id that is no 64-bit number (%s)', (id) => {
    const body = `{"Success":true,"Items":{"BackupSetDownloadTaskDetail":[{"BackupSetDownloadTaskId":"t","BackupGatewayId":${id}}]}}`;
    const error = failure(() => parsePage(body, 30));
    expect(error.code).toBe('BadResponse');
    expect(error.message).toBe('the endpoint answered a BackupGatewayId that is not a 64-bit number');
  });

  it.each(['1e999', '-1e999'])('refuses a number out of range (%s)', (number) => {
    const error = failure(() => parsePage(`{"Success":true,"Items":[{"BackupSetDownloadTaskId":"t","BackupSetDataSize":${number}}]}`, 30));
    expect(error.message).toBe('the endpoint answered a number out of range in BackupSetDataSize');
  });

  it('drops values nested deeper than any DBS answer', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const page = parsePage(`{"Success":true,"Items":{"BackupSetDownloadTaskDetail":[{"BackupSetDownloadTaskId":"t","X":${deep}}]}}`, 30);
    expect(page.items[0]!.BackupSetDownloadTaskId).toBe('t');
  });
});

describe('redaction by value', () => {
  const SECRET = 'UnitSecretValue0123456789abcdef';
  const TOKEN = 'CAIS/unit+security/token==';
  const SIGNATURE = 'ab'.repeat(32);
  rememberSecret(SECRET);
  rememberSecret(TOKEN);
  rememberSignature(SIGNATURE);

  it.each([
    [`secret ${SECRET} here`, 'secret *** here'],
    [`token=${TOKEN};`, 'token=***;'],
    [`sig ${SIGNATURE.toUpperCase()} end`, 'sig *** end'],
    [
      'ACS3-HMAC-SHA256 Credential=LTAIx,SignedHeaders=host,Signature=0123456789abcdef0123',
      'ACS3-HMAC-SHA256 Credential=LTAIx,SignedHeaders=host,Signature=***',
    ],
    ['dir oss://bucket/path?OSSAccessKeyId=LTAI&Signature=x', 'dir oss://bucket/path?OSSAccessKeyId=***&Signature=***'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('removes them from every string of a page, the download directory included', () => {
    const page = parsePage(
      JSON.stringify({
        Success: true,
        RequestId: `echo ${SECRET}`,
        Items: {
          BackupSetDownloadTaskDetail: [
            {
              BackupSetDownloadTaskId: 't',
              BackupSetDownloadDir: 'https://b.oss.aliyuncs.com/d?OSSAccessKeyId=A&Signature=S',
              X: { Y: [`Signature=${SIGNATURE}`] },
            },
          ],
        },
      }),
      30,
    );
    const text = JSON.stringify(page);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SIGNATURE);
    expect(page.items[0]!.BackupSetDownloadDir).toBe('https://b.oss.aliyuncs.com/d?***');
  });

  it('keeps the download URL fields whole, for includeUrls, but without our own secrets', () => {
    const url = 'https://b.oss.aliyuncs.com/f.tgz?Expires=1&OSSAccessKeyId=STS.x&Signature=oss';
    const page = parsePage(
      JSON.stringify({
        Success: true,
        Items: [{ BackupSetDownloadTaskId: 't', BackupSetDownloadInternetUrl: url, BackupSetDownloadIntranetUrl: `${url}&t=${TOKEN}` }],
      }),
      30,
    );
    expect(page.items[0]!.BackupSetDownloadInternetUrl).toBe(url);
    expect(page.items[0]!.BackupSetDownloadIntranetUrl).toBe(`${url}&t=***`);
  });
});
