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
    ['127.0.0.1', '127.0.0.1:9000', true],
    ['127.0.0.1:9001', '127.0.0.1:9000', false],
    ['::1', '[::1]:9000', true],
    ['[::1]:9000', '[::1]:9000', true],
    ['[::1]:9001', '[::1]:9000', false],
    ['.', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
    ['', 'dbs-api.cn-hangzhou.aliyuncs.com', false],
  ])('NO_PROXY=%j and %s: bypassed %s', (noProxy, host, bypassed) => {
    expect(proxyFor(dbs(host), settings(noProxy))).toBe(bypassed ? null : HTTPS_PROXY);
  });
});

describe('describeProxy', () => {
  it('names scheme, host and port, never the user name or password', () => {
    expect(describeProxy(HTTPS_PROXY)).toBe('http://proxy.corp.example:3128');
    expect(describeProxy(new URL('https://bob:pw@[::1]:8443'))).toBe('https://[::1]:8443');
  });
});
