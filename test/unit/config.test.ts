import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, dropEmptyCredentialVariables, isRegionId, readConfig, readLogLevel, readProxySettings } from '../../src/config.js';
import { DIRECT } from '../../src/dbs/proxy.js';

describe('readConfig', () => {
  it('uses the contract defaults when nothing is set', () => {
    expect(readConfig({})).toEqual({
      regionId: 'cn-hangzhou',
      endpointOverride: null,
      timeoutMs: 10_000,
      maxAttempts: 3,
      concurrency: 4,
      maxActiveRequests: 16,
      maxWaits: 50,
      waitRate: 60,
      proxy: DIRECT,
    });
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
        DBS_MCP_MAX_REQUESTS: '32',
        DBS_MCP_MAX_WAITS: '200',
        DBS_MCP_WAIT_RATE: '20',
      }),
    ).toEqual({
      regionId: 'ap-southeast-1',
      endpointOverride: { protocol: 'http', host: '127.0.0.1:8080' },
      timeoutMs: 2500,
      maxAttempts: 5,
      concurrency: 8,
      maxActiveRequests: 32,
      maxWaits: 200,
      waitRate: 20,
      proxy: DIRECT,
    });
  });

  it.each(['http://dbs.example.com', 'http://10.0.0.8:8080', 'http://[fe80::1]'])('refuses plain HTTP to %s, which is not this machine', (endpoint) => {
    expect(() => readConfig({ ALIBABA_CLOUD_DBS_ENDPOINT: endpoint })).toThrow(
      /ALIBABA_CLOUD_DBS_ENDPOINT: refusing plain http:\/\/ .*DBS_MCP_ALLOW_INSECURE_HTTP=1/,
    );
  });

  it.each(['http://localhost:8080', 'http://127.0.0.2', 'http://[::1]:9000'])('takes plain HTTP to this machine (%s)', (endpoint) => {
    expect(readConfig({ ALIBABA_CLOUD_DBS_ENDPOINT: endpoint }).endpointOverride?.protocol).toBe('http');
  });

  it('takes plain HTTP elsewhere only when DBS_MCP_ALLOW_INSECURE_HTTP=1', () => {
    expect(readConfig({ ALIBABA_CLOUD_DBS_ENDPOINT: 'http://dbs.example.com', DBS_MCP_ALLOW_INSECURE_HTTP: '1' }).endpointOverride).toEqual({
      protocol: 'http',
      host: 'dbs.example.com',
    });
    expect(() => readConfig({ ALIBABA_CLOUD_DBS_ENDPOINT: 'http://dbs.example.com', DBS_MCP_ALLOW_INSECURE_HTTP: 'yes' })).toThrow(ConfigError);
  });

  it.each([
    ['DBS_MCP_TIMEOUT_MS', 'abc', /DBS_MCP_TIMEOUT_MS must be a whole number from 100 to 600000, got "abc"/],
    ['DBS_MCP_TIMEOUT_MS', '50', /from 100/],
    ['DBS_MCP_MAX_ATTEMPTS', '0', /DBS_MCP_MAX_ATTEMPTS must be a whole number from 1 to 10/],
    ['DBS_MCP_MAX_ATTEMPTS', '2.5', /DBS_MCP_MAX_ATTEMPTS/],
    ['DBS_MCP_CONCURRENCY', '17', /DBS_MCP_CONCURRENCY must be a whole number from 1 to 16/],
    ['ALIBABA_CLOUD_REGION_ID', 'CN_HANGZHOU', /ALIBABA_CLOUD_REGION_ID must look like cn-hangzhou/],
    ['ALIBABA_CLOUD_REGION_ID', 'hangzhou', /ALIBABA_CLOUD_REGION_ID must look like cn-hangzhou or ap-southeast-1, got "hangzhou"/],
    ['ALIBABA_CLOUD_REGION_ID', 'cn-', /ALIBABA_CLOUD_REGION_ID must look like cn-hangzhou/],
    ['ALIBABA_CLOUD_DBS_ENDPOINT', 'ftp://example.com', /ALIBABA_CLOUD_DBS_ENDPOINT: expected host\[:port\]/],
    ['DBS_MCP_MAX_REQUESTS', '0', /DBS_MCP_MAX_REQUESTS must be a whole number from 1 to 256/],
    ['DBS_MCP_MAX_WAITS', '0', /DBS_MCP_MAX_WAITS must be a whole number from 1 to 10000/],
    ['DBS_MCP_WAIT_RATE', '5000', /DBS_MCP_WAIT_RATE must be a whole number from 1 to 1000/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });
});

describe('isRegionId', () => {
  it.each(['cn-hangzhou', 'ap-southeast-1', 'cn-shanghai-finance-1', 'us-west-1', 'me-east-1', 'rus-west-1', 'cn-north-2-gov-1'])('takes %s', (region) => {
    expect(isRegionId(region)).toBe(true);
  });

  it.each(['hangzhou', 'cn', 'cn-', '-cn-hangzhou', 'CN-HANGZHOU', 'cn-Hangzhou', 'cn_hangzhou', '1-hangzhou', 'cn-hang zhou', `cn-${'a'.repeat(62)}`, ''])(
    'refuses %s',
    (region) => {
      expect(isRegionId(region)).toBe(false);
    },
  );
});

describe('the region of the aliyun CLI profile', () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });

  /** A home directory holding `.aliyun/config.json` with the given text. */
  const home = (config?: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'dbs-mcp-home-'));
    homes.push(dir);
    if (config !== undefined) {
      mkdirSync(join(dir, '.aliyun'));
      writeFileSync(join(dir, '.aliyun', 'config.json'), config);
    }
    return dir;
  };
  const cliConfig = JSON.stringify({
    current: 'work',
    profiles: [
      { name: 'default', mode: 'AK', region_id: 'ap-southeast-1' },
      { name: 'work', mode: 'AK', region_id: 'cn-shanghai' },
      { name: 'blank', mode: 'AK', region_id: '' },
      { name: 'odd', mode: 'AK', region_id: 'shanghai' },
    ],
  });

  it('takes the current profile, or the one ALIBABA_CLOUD_PROFILE names', () => {
    expect(readConfig({ HOME: home(cliConfig) }).regionId).toBe('cn-shanghai');
    expect(readConfig({ HOME: home(cliConfig), ALIBABA_CLOUD_PROFILE: 'default' }).regionId).toBe('ap-southeast-1');
    expect(readConfig({ USERPROFILE: home(cliConfig) }).regionId).toBe('cn-shanghai');
  });

  it('comes after ALIBABA_CLOUD_REGION_ID', () => {
    expect(readConfig({ HOME: home(cliConfig), ALIBABA_CLOUD_REGION_ID: 'eu-central-1' }).regionId).toBe('eu-central-1');
  });

  it('is skipped with the profile when ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true', () => {
    expect(readConfig({ HOME: home(cliConfig), ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'TRUE' }).regionId).toBe('cn-hangzhou');
  });

  it('refuses a region_id that is not a region id, naming the profile and the file', () => {
    const dir = home(cliConfig);
    expect(() => readConfig({ HOME: dir, ALIBABA_CLOUD_PROFILE: 'odd' })).toThrow(
      new ConfigError(
        `region_id of aliyun CLI profile "odd" in ${join(dir, '.aliyun', 'config.json')} must look like cn-hangzhou or ap-southeast-1, got "shanghai"`,
      ),
    );
  });

  it.each([
    ['no file', undefined, {}, []],
    ['no such profile', cliConfig, { ALIBABA_CLOUD_PROFILE: 'missing' }, [/no region_id for profile "missing"/]],
    ['an empty region_id', cliConfig, { ALIBABA_CLOUD_PROFILE: 'blank' }, [/no region_id for profile "blank"/]],
    ['a file that is not JSON', '{"current": "work", ', {}, [/config\.json not used for the region: not JSON/]],
    ['JSON of another shape', '[1, 2]', {}, [/no region_id for profile null/]],
    ['profiles that are not objects', '{"current": "work", "profiles": ["work", null]}', {}, [/no region_id for profile "work"/]],
  ])('falls back to cn-hangzhou with %s, noting it at debug level', (_case, config, env, notes) => {
    const debug: string[] = [];
    expect(readConfig({ HOME: home(config), ...env }, { debug: (message) => debug.push(message) }).regionId).toBe('cn-hangzhou');
    expect(debug).toHaveLength(notes.length);
    notes.forEach((note, i) => expect(debug[i]).toMatch(note));
  });

  it('falls back to cn-hangzhou when the file cannot be read', () => {
    const dir = home();
    mkdirSync(join(dir, '.aliyun', 'config.json'), { recursive: true });
    const debug: string[] = [];
    expect(readConfig({ HOME: dir }, { debug: (message) => debug.push(message) }).regionId).toBe('cn-hangzhou');
    expect(debug).toEqual([expect.stringMatching(/config\.json not used for the region: EISDIR/)]);
  });
});

describe('readProxySettings', () => {
  it('reads the lower-case name before the upper-case one, as curl does', () => {
    const settings = readProxySettings({
      https_proxy: 'http://lower.example:3128',
      HTTPS_PROXY: 'http://upper.example:3128',
      HTTP_PROXY: 'http://plain.example:8080',
      NO_PROXY: '.internal.example, localhost 10.0.0.1:8443',
    });
    expect(settings.https?.href).toBe('http://lower.example:3128/');
    expect(settings.http?.href).toBe('http://plain.example:8080/');
    expect(settings.noProxy).toEqual(['.internal.example', 'localhost', '10.0.0.1:8443']);
  });

  it('reads upper-case names alone, treats empty values as unset, and gives a bare host:port the http scheme', () => {
    const settings = readProxySettings({ https_proxy: '', HTTPS_PROXY: 'proxy.corp.example:3128', no_proxy: ' ' });
    expect(settings).toEqual({ https: new URL('http://proxy.corp.example:3128'), http: null, noProxy: [] });
  });

  it('keeps the user name and password for Basic auth', () => {
    const { https } = readProxySettings({ HTTPS_PROXY: 'http://alice:s%40cret@proxy.corp.example:3128' });
    expect(https?.username).toBe('alice');
    expect(https?.password).toBe('s%40cret');
  });

  it('is part of the configuration', () => {
    expect(readConfig({ HTTPS_PROXY: 'http://proxy.corp.example:3128' }).proxy?.https?.host).toBe('proxy.corp.example:3128');
  });

  it.each([
    ['HTTPS_PROXY', 'socks5://alice:hunter2@proxy.corp.example:1080', /HTTPS_PROXY uses socks5, but only http:\/\/ and https:\/\/ proxies are supported/],
    ['https_proxy', 'http://alice:hunter2@proxy.corp.example:3128/path', /https_proxy \(http:\/\/proxy.corp.example:3128\) has a path/],
    ['HTTP_PROXY', 'http://alice:hunter2@', /HTTP_PROXY is not a proxy URL such as/],
    ['HTTP_PROXY', 'http://alice:hunter2@bad host:3128', /HTTP_PROXY is not a proxy URL/],
    [
      'HTTPS_PROXY',
      'http://alice:hunter2%zz@proxy.corp.example:3128',
      /HTTPS_PROXY \(http:\/\/proxy.corp.example:3128\) has a user name or password with a bad %-escape/,
    ],
  ])('rejects %s=%s without quoting the password', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(message);
    expect(() => readConfig({ [name]: value })).not.toThrow(/hunter2|alice/);
  });
});

describe('readLogLevel', () => {
  it.each([
    [{}, 'info'],
    [{ DBS_MCP_LOG_LEVEL: '' }, 'info'],
    [{ DBS_MCP_LOG_LEVEL: 'debug' }, 'debug'],
    [{ DBS_MCP_LOG_LEVEL: 'WARNING' }, 'warning'],
    [{ DBS_MCP_LOG_LEVEL: 'error' }, 'error'],
  ])('%o -> %s', (env, level) => {
    expect(readLogLevel(env)).toBe(level);
  });

  it.each(['verbose', 'warn', 'trace'])('refuses %s with a message naming the setting and the levels', (value) => {
    expect(() => readLogLevel({ DBS_MCP_LOG_LEVEL: value })).toThrow(
      new ConfigError(`DBS_MCP_LOG_LEVEL must be one of debug, info, warning, error, got "${value}"`),
    );
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
