import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { describeBackupSetDownloadTaskList } from '../../src/dbs/operations.js';
import { itemsOf, pageOf, parseAnswer, type RawPage } from '../../src/dbs/page.js';

/** A DescribeBackupSetDownloadTaskList answer as the client reads it. */
const parsePage = (status: number, contentType: string | undefined, text: string): RawPage =>
  pageOf(parseAnswer(status, contentType, text, describeBackupSetDownloadTaskList.urlFields), 'BackupSetDownloadTaskDetail', 'BackupSetDownloadTaskId');
const task = (id: string) => ({ BackupSetDownloadTaskId: id });
const ok = (items: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ RequestId: 'REQ-1', PageSize: 30, PageNum: 0, HttpStatusCode: 200, TotalElements: 2, TotalPages: 1, Items: items, Success: true, ...extra });

function failure(status: number, contentType: string | undefined, body: string): DbsError {
  try {
    parsePage(status, contentType, body);
  } catch (error) {
    if (error instanceof DbsError) return error;
    throw error;
  }
  throw new Error('parsePage did not fail');
}

describe('itemsOf: every Items shape the API produces', () => {
  it.each([
    ['empty string', '', []],
    ['null', null, []],
    ['missing', undefined, []],
    ['wrapped array', { BackupSetDownloadTaskDetail: [task('a'), task('b')] }, [task('a'), task('b')]],
    ['wrapped single object', { BackupSetDownloadTaskDetail: task('a') }, [task('a')]],
    ['wrapped empty string', { BackupSetDownloadTaskDetail: '' }, []],
    ['bare array', [task('a'), 'junk', null], [task('a')]],
    ['bare task object', task('a'), [task('a')]],
    ['unrelated object', { Something: 1 }, []],
    ['number', 7, []],
  ])('%s', (_name, items, expected) => {
    expect(itemsOf(items)).toEqual(expected);
  });
});

describe('parsePage', () => {
  it('reads a wrapped page with its totals', () => {
    expect(parsePage(200, 'application/json', ok({ BackupSetDownloadTaskDetail: [task('a'), task('b')] }))).toEqual({
      requestId: 'REQ-1',
      pageNum: 0,
      pageSize: 30,
      totalElements: 2,
      totalPages: 1,
      items: [task('a'), task('b')],
    });
  });

  it('reads an empty plan (Items: "") as no items', () => {
    const page = parsePage(200, 'application/json', ok('', { TotalElements: 0, TotalPages: 0 }));
    expect(page.items).toEqual([]);
    expect(page.totalPages).toBe(0);
  });

  it('keeps missing totals as null and numeric strings as numbers', () => {
    const page = parsePage(200, 'application/json', JSON.stringify({ Success: true, Items: '', PageNum: '2', TotalElements: '61' }));
    expect(page).toEqual({ requestId: null, pageNum: 2, pageSize: null, totalElements: 61, totalPages: null, items: [] });
  });

  it('keeps a 64-bit BackupGatewayId digit for digit', () => {
    const body =
      '{"Success":true,"Items":{"BackupSetDownloadTaskDetail":[{"BackupSetDownloadTaskId":"a","BackupGatewayId":9223372036854775807 ,"X":1},{"BackupSetDownloadTaskId":"b","BackupGatewayId":12}]}}';
    expect(parsePage(200, 'application/json', body).items.map((item) => item.BackupGatewayId)).toEqual(['9223372036854775807', '12']);
  });

  it('keeps gateway ids digit for digit when the same key also appears outside the task list', () => {
    const body =
      '{"BackupGatewayId":7,"Success":true,"Items":{"BackupSetDownloadTaskDetail":[{"BackupGatewayId":1152921504606846977},{"BackupGatewayId":"8"},{"BackupGatewayId":-4611686018427387905}]}}';
    expect(parsePage(200, 'application/json', body).items.map((item) => item.BackupGatewayId)).toEqual(['1152921504606846977', '8', '-4611686018427387905']);
  });

  it('keeps gateway ids exact when two of them round to the same number', () => {
    const ids = ['9223372036854775807', '9223372036854775806', '-9007199254740993', '-9007199254740992'];
    expect(new Set(ids.map(Number)).size).toBe(2);
    const body = `{"Success":true,"Items":[${ids.map((id, i) => `{"BackupSetDownloadTaskId":"t${i}","BackupGatewayId":${id}}`).join(',')}]}`;
    expect(parsePage(200, 'application/json', body).items.map((item) => item.BackupGatewayId)).toEqual(ids);
  });

  it('keeps every int64 gateway id exact, with or without the same key elsewhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: undefined }), { maxLength: 40 }),
        fc.option(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), { nil: undefined }),
        (ids, decoy) => {
          const items = ids.map((id, i) =>
            id === undefined ? `{"BackupSetDownloadTaskId":"t${i}"}` : `{"BackupSetDownloadTaskId":"t${i}","BackupGatewayId":${id}}`,
          );
          const top = decoy === undefined ? '' : `"BackupGatewayId":${decoy},`;
          const body = `{${top}"Success":true,"Items":{"BackupSetDownloadTaskDetail":[${items.join(',')}]}}`;
          expect(parsePage(200, 'application/json', body).items.map((item) => item.BackupGatewayId)).toEqual(
            ids.map((id) => (id === undefined ? undefined : String(id))),
          );
        },
      ),
    );
  });

  it('quotes non-JSON and blank bodies in their own characters', () => {
    expect(failure(502, 'text/html', '<p>网关错误</p>').message).toContain('"网关错误"');
    expect(failure(503, undefined, ' \u00a0 ').message).toMatch(/with an empty body/);
  });

  it('reads the plan-list shape too: Items.BackupPlanDetail, with its download gateway id exact', () => {
    const body = '{"Success":true,"TotalElements":1,"Items":{"BackupPlanDetail":[{"BackupPlanId":"p1","BackupSetDownloadGatewayId":1152921504606846977}]}}';
    const page = pageOf(parseAnswer(200, 'application/json', body), 'BackupPlanDetail', 'BackupPlanId');
    expect(page.items).toEqual([{ BackupPlanId: 'p1', BackupSetDownloadGatewayId: '1152921504606846977' }]);
    expect(page.totalElements).toBe(1);
  });

  it('reads a gateway id with a leading zero, which is not JSON as a number, as its digits', () => {
    const body = '{"Success":true,"Items":[{"BackupSetDownloadTaskId":"a","BackupGatewayId":0123}]}';
    expect(parsePage(200, 'application/json', body).items.map((item) => item.BackupGatewayId)).toEqual(['0123']);
  });

  it.each([
    {
      name: 'Success:false on HTTP 200 (DBS style)',
      status: 200,
      body: JSON.stringify({
        Success: false,
        ErrCode: 'Param.NotFound',
        ErrMessage: 'The specified parameter BackupPlanId value is not valid.',
        HttpStatusCode: 400,
        RequestId: 'R2',
      }),
      expected: {
        code: 'Param.NotFound',
        message: 'The specified parameter BackupPlanId value is not valid.',
        httpStatus: 400,
        requestId: 'R2',
        retryable: false,
      },
    },
    {
      name: 'ErrCode body on a 4xx (no Code key)',
      status: 400,
      body: JSON.stringify({ Success: false, ErrCode: 'InvalidParameter.PageSize', ErrMessage: 'bad size', RequestId: 'R3' }),
      expected: { code: 'InvalidParameter.PageSize', message: 'bad size', httpStatus: 400, requestId: 'R3', retryable: false },
    },
    {
      name: 'gateway throttling (Code/Message) is retryable',
      status: 400,
      body: JSON.stringify({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.', RequestId: 'R4' }),
      expected: { code: 'Throttling.User', message: 'Request was denied due to user flow control.', httpStatus: 400, requestId: 'R4', retryable: true },
    },
    {
      name: '503 ServiceUnavailable is retryable',
      status: 503,
      body: JSON.stringify({ Code: 'ServiceUnavailable', Message: 'try later', RequestId: 'R5' }),
      expected: { code: 'ServiceUnavailable', message: 'try later', httpStatus: 503, requestId: 'R5', retryable: true },
    },
    {
      name: '403 Forbidden.RAM carries the RAM action',
      status: 403,
      body: JSON.stringify({
        Code: 'Forbidden.RAM',
        Message: 'not authorized',
        RequestId: 'R6',
        AccessDeniedDetail: { AuthAction: 'dbs:DescribeBackupSetDownloadTaskList' },
      }),
      expected: {
        code: 'Forbidden.RAM',
        message: 'not authorized',
        httpStatus: 403,
        requestId: 'R6',
        retryable: false,
        authAction: 'dbs:DescribeBackupSetDownloadTaskList',
      },
    },
    {
      name: 'a 500 without a code',
      status: 500,
      body: '{}',
      expected: { code: 'HTTP500', message: 'the API reported a failure without a message', httpStatus: 500, retryable: true },
    },
  ])('$name', ({ status, body, expected }) => {
    const error = failure(status, 'application/json', body);
    expect({
      code: error.code,
      message: error.message,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      retryable: error.retryable,
      ...(error.authAction ? { authAction: error.authAction } : {}),
    }).toEqual({
      requestId: undefined,
      ...expected,
    });
  });

  it.each([
    {
      name: 'HTML gateway page',
      status: 502,
      type: 'text/html',
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      message: /HTTP 502 with a non-JSON body \(text\/html\): "502 Bad Gateway"/,
      retryable: true,
    },
    {
      name: 'HTML page on 200',
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<!DOCTYPE html><p>login</p>',
      message: /HTTP 200 with a non-JSON body \(text\/html\)/,
      retryable: true,
    },
    { name: 'empty 200 body', status: 200, type: 'application/json', body: '', message: /HTTP 200 with an empty body/, retryable: true },
    { name: 'empty 503 body', status: 503, type: undefined, body: '  ', message: /HTTP 503 with an empty body/, retryable: true },
    { name: 'JSON array', status: 200, type: 'application/json', body: '[]', message: /JSON that is not an object/, retryable: false },
    { name: 'truncated JSON', status: 200, type: 'application/json', body: '{"Success":tr', message: /non-JSON body \(application\/json\)/, retryable: false },
  ])('$name is BadResponse naming the HTTP status', ({ status, type, body, message, retryable }) => {
    const error = failure(status, type, body);
    expect(error.code).toBe('BadResponse');
    expect(error.httpStatus).toBe(status);
    expect(error.message).toMatch(message);
    expect(error.retryable).toBe(retryable);
  });

  it('redacts signed URLs in API error messages', () => {
    const error = failure(
      200,
      'application/json',
      JSON.stringify({ Success: false, ErrCode: 'X', ErrMessage: 'cannot fetch https://b.oss.aliyuncs.com/f?OSSAccessKeyId=STS.abc&Signature=s3cr3t' }),
    );
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('STS.abc');
    expect(error.message).toContain('https://b.oss.aliyuncs.com/f?***');
  });
});
