import { describe, expect, it } from 'vitest';
import { ConfigError, dropEmptyCredentialVariables, readConfig } from '../../src/config.js';

describe('readConfig', () => {
  it('uses the contract defaults when nothing is set', () => {
    expect(readConfig({})).toEqual({ regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 10_000, maxAttempts: 3, concurrency: 4 });
  });

  it('treats empty strings as unset', () => {
    const env = { ALIBABA_CLOUD_REGION_ID: '', ALIBABA_CLOUD_DBS_ENDPOINT: '', DBS_MCP_TIMEOUT_MS: '', DBS_MCP_MAX_ATTEMPTS: ' ', DBS_MCP_CONCURRENCY: '' };
    expect(readConfig(env)).toEqual(readConfig({}));
  });

  it('reads every setting', () => {
    expect(
      readConfig({
        ALIBABA_CLOUD_REGION_ID: 'ap-southeast-1',
        ALIBABA_CLOUD_DBS_ENDPOINT: 'http://127.0.0.1:8080',
        DBS_MCP_TIMEOUT_MS: '2500',
        DBS_MCP_MAX_ATTEMPTS: '5',
        DBS_MCP_CONCURRENCY: '8',
      }),
    ).toEqual({
      regionId: 'ap-southeast-1',
      endpointOverride: { protocol: 'http', host: '127.0.0.1:8080' },
      timeoutMs: 2500,
      maxAttempts: 5,
      concurrency: 8,
    });
  });

  it.each([
    ['DBS_MCP_TIMEOUT_MS', 'abc', /DBS_MCP_TIMEOUT_MS must be a whole number from 100 to 600000, got "abc"/],
    ['DBS_MCP_TIMEOUT_MS', '50', /from 100/],
    ['DBS_MCP_MAX_ATTEMPTS', '0', /DBS_MCP_MAX_ATTEMPTS must be a whole number from 1 to 10/],
    ['DBS_MCP_MAX_ATTEMPTS', '2.5', /DBS_MCP_MAX_ATTEMPTS/],
    ['DBS_MCP_CONCURRENCY', '17', /DBS_MCP_CONCURRENCY must be a whole number from 1 to 16/],
    ['ALIBABA_CLOUD_REGION_ID', 'CN_HANGZHOU', /ALIBABA_CLOUD_REGION_ID must look like cn-hangzhou/],
    ['ALIBABA_CLOUD_DBS_ENDPOINT', 'ftp://example.com', /ALIBABA_CLOUD_DBS_ENDPOINT: expected host\[:port\]/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });
});

describe('dropEmptyCredentialVariables', () => {
  it('removes empty ALIBABA_CLOUD_* variables and keeps everything else', () => {
    const env: Record<string, string | undefined> = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
      ALIBABA_CLOUD_SECURITY_TOKEN: '',
      ALIBABA_CLOUD_PROFILE: '  ',
      OTHER: '',
    };
    dropEmptyCredentialVariables(env);
    expect(env).toEqual({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', OTHER: '' });
  });
});
