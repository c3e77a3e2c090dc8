import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/redact.js';

describe('redactSecrets', () => {
  it.each([
    [
      'https://dbs.oss-cn-hangzhou.aliyuncs.com/a/b.tar.gz?Expires=1&OSSAccessKeyId=STS.x&Signature=abc%2B&security-token=tok',
      'https://dbs.oss-cn-hangzhou.aliyuncs.com/a/b.tar.gz?***',
    ],
    ['failed: http://10.0.0.1/x?Signature=zz and more', 'failed: http://10.0.0.1/x?*** and more'],
    ['no url here', 'no url here'],
    ['https://example.com/plain/path', 'https://example.com/plain/path'],
    ['dangling ?Signature=abc&x=1', 'dangling ?Signature=***&x=1'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});
