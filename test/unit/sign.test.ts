import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import OpenApiUtil from '@alicloud/openapi-util';
import { authorization, canonicalQuery, percentEncode, SIGNATURE_ALGORITHM } from '../../src/dbs/sign.js';

interface SdkSigner {
  getAuthorization(
    request: { pathname: string; method: string; query: Record<string, string>; headers: Record<string, string> },
    algorithm: string,
    payloadHash: string,
    accessKeyId: string,
    accessKeySecret: string,
  ): string;
}

// CommonJS `exports.default = Client`: vitest hands over either the class or the module around it.
const sdk = ((OpenApiUtil as unknown as { default?: SdkSigner }).default ?? OpenApiUtil) as unknown as SdkSigner;

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const EMPTY_BODY = sha256Hex('');

describe('percentEncode and canonicalQuery', () => {
  it("encode as RFC 3986 does, including !'()*, and leave ~ alone", () => {
    expect(percentEncode("a b*~!'()/+=&é")).toBe('a%20b%2A~%21%27%28%29%2F%2B%3D%26%C3%A9');
  });

  it('sort the pairs by key and encode keys and values', () => {
    expect(canonicalQuery({ PageSize: '30', BackupPlanId: 'dbs1 x', PageNum: '0' })).toBe('BackupPlanId=dbs1%20x&PageNum=0&PageSize=30');
    expect(canonicalQuery({})).toBe('');
  });
});

describe('authorization', () => {
  it('signs host, content-type and x-acs-* headers only, by the ACS3-HMAC-SHA256 recipe', () => {
    const headers = { host: 'dbs.example.com', 'x-acs-action': 'A', 'X-Acs-Version': ' 1 ', 'user-agent': 'ua', accept: 'application/json' };
    const header = authorization({ method: 'POST', query: { K: 'v' }, headers, bodySha256: EMPTY_BODY }, 'KEY', 'SECRET');
    const canonicalRequest = [
      'POST',
      '/',
      'K=v',
      'host:dbs.example.com\nx-acs-action:A\nx-acs-version:1\n',
      'host;x-acs-action;x-acs-version',
      EMPTY_BODY,
    ].join('\n');
    const signature = createHmac('sha256', 'SECRET')
      .update(`${SIGNATURE_ALGORITHM}\n${sha256Hex(canonicalRequest)}`)
      .digest('hex');
    expect(header).toBe(`ACS3-HMAC-SHA256 Credential=KEY,SignedHeaders=host;x-acs-action;x-acs-version,Signature=${signature}`);
  });

  it("gives the same header as @alicloud/openapi-util's getAuthorization, for any request", () => {
    // The SDK does not encode query keys (API parameter names never need it), so keys are plain here.
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,15}$/);
    const value = fc.string({ unit: 'grapheme', maxLength: 40 });
    const headerValue = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((v) => v.trim() !== '');
    const extraHeaders = fc.dictionary(
      fc.oneof(
        fc.stringMatching(/^x-acs-[a-z0-9-]{1,12}$/),
        // Names that differ only in case: one signed header, its values sorted and joined.
        fc.stringMatching(/^[xX]-[aA][cC][sS]-[abAB]{1,2}$/),
        fc.constantFrom('host', 'Content-Type', 'accept', 'user-agent', 'authorization-hint'),
      ),
      headerValue,
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 8 }),
        extraHeaders,
        fc.constantFrom('POST', 'GET'),
        fc.string({ maxLength: 64 }),
        fc.stringMatching(/^[A-Za-z0-9.]{1,30}$/),
        fc.string({ minLength: 1, maxLength: 40 }),
        (query, extra, method, body, accessKeyId, secret) => {
          const headers = { host: 'dbs-api.cn-hangzhou.aliyuncs.com', 'x-acs-action': 'DescribeBackupSetDownloadTaskList', ...extra };
          const bodySha256 = sha256Hex(body);
          const ours = authorization({ method, query, headers, bodySha256 }, accessKeyId, secret);
          const theirs = sdk.getAuthorization(
            { pathname: '/', method, query: { ...query }, headers: { ...headers } },
            SIGNATURE_ALGORITHM,
            bodySha256,
            accessKeyId,
            secret,
          );
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
