import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/dbs/endpoint.js';
import { describeProxy, parseNoProxy, proxyFor, type ProxySettings } from '../../src/dbs/proxy.js';

const HTTPS_PROXY = new URL('http://alice:secret@proxy.corp.example:3128');
const HTTP_PROXY = new URL('http://forward.corp.example:8080');

function settings(noProxy: string): ProxySettings {
  return { https: HTTPS_PROXY, http: HTTP_PROXY, noProxy: parseNoProxy(noProxy) };
}

const dbs = (host: string): Endpoint => ({ protocol: 'https', host });

describe('proxyFor', () => {
  it('sends https endpoints to HTTPS_PROXY and http endpoints to HTTP_PROXY', () => {
    expect(proxyFor(dbs('dbs-api.cn-hangzhou.aliyuncs.com'), settings(''))).toBe(HTTPS_PROXY);
    expect(proxyFor({ protocol: 'http', host: 'gateway.corp.example:8080' }, settings(''))).toBe(HTTP_PROXY);
    expect(proxyFor(dbs('dbs-api.cn-hangzhou.aliyuncs.com'), { https: null, http: HTTP_PROXY, noProxy: [] })).toBeNull();
  });

  // curl's reading of NO_PROXY: domain suffixes on label boundaries, `*` for all, an optional port.
  it.each([
    ['*', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['.aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['*.aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['ALIYUNCS.COM', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['dbs-api.cn-hangzhou.aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['cs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
    ['hangzhou.aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
    ['example.com, aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['example.com aliyuncs.com', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['aliyuncs.com:443', 'dbs-api.cn-hangzhou.aliyuncs.com', true],
    ['aliyuncs.com:8443', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
    ['aliyuncs.com:8443', 'dbs-api.cn-hangzhou.aliyuncs.com:8443', true],
    ['10.1.2.3', '10.1.2.3:9000', true],
    ['10.1.2.3:9001', '10.1.2.3:9000', false],
    ['fd00::5', '[fd00::5]:9000', true],
    ['[fd00::5]:9000', '[fd00::5]:9000', true],
    ['[fd00::5]:9001', '[fd00::5]:9000', false],
    ['.', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
    ['', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
  ])('NO_PROXY=%j and %s: bypassed %s', (noProxy, host, bypassed) => {
    expect(proxyFor(dbs(host), settings(noProxy))).toBe(bypassed ? null : HTTPS_PROXY);
  });

  // The signed request, STS token included, must not leave the machine for an endpoint on it.
  it.each(['127.0.0.1:9000', '127.1.2.3', 'localhost:9000', 'LOCALHOST', '[::1]:9000', '[::ffff:127.0.0.1]:9000'])(
    'never proxies the loopback endpoint %s, whatever NO_PROXY says',
    (host) => {
      expect(proxyFor({ protocol: 'http', host }, settings(''))).toBeNull();
      expect(proxyFor(dbs(host), settings('127.0.0.1:1,example.com'))).toBeNull();
    },
  );

  it('still proxies hosts that only look local', () => {
    expect(proxyFor({ protocol: 'http', host: '128.0.0.1:9000' }, settings(''))).toBe(HTTP_PROXY);
    expect(proxyFor({ protocol: 'http', host: 'localhost.example.com' }, settings(''))).toBe(HTTP_PROXY);
    expect(proxyFor(dbs('[::2]:9000'), settings(''))).toBe(HTTPS_PROXY);
  });
});

describe('describeProxy', () => {
  it('names scheme, host and port, never the user name or password', () => {
    expect(describeProxy(HTTPS_PROXY)).toBe('http://proxy.corp.example:3128');
    expect(describeProxy(new URL('https://bob:pw@[::1]:8443'))).toBe('https://[::1]:8443');
  });
});
