import { describe, expect, it } from 'vitest';
import { parseEndpoint, regionHost, resolveEndpoint } from '../../src/dbs/endpoint.js';

describe('regionHost', () => {
  // The generated dbs-20190306 SDK's endpoint map, and its regional rule for every other region.
  it.each([
    ['cn-hangzhou', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['cn-beijing', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['us-east-1', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['cn-shanghai-finance-1', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['ap-southeast-1', 'dbs-api.ap-southeast-1.aliyuncs.com'],
    ['eu-central-1', 'dbs-api.eu-central-1.aliyuncs.com'],
    ['cn-chengdu', 'dbs-api.cn-chengdu.aliyuncs.com'],
    ['me-east-1', 'dbs-api.me-east-1.aliyuncs.com'],
    ['ap-southeast-5', 'dbs-api.ap-southeast-5.aliyuncs.com'],
    ['us-west-1', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['cn-hangzhou-finance', 'dbs-api.cn-hangzhou.aliyuncs.com'],
    ['cn-guangzhou', 'dbs.cn-guangzhou.aliyuncs.com'],
    ['cn-wulanchabu', 'dbs.cn-wulanchabu.aliyuncs.com'],
    ['ap-southeast-6', 'dbs.ap-southeast-6.aliyuncs.com'],
    // No SDK source maps it: the regional rule applies, as in the SDK.
    ['cn-north-2-gov-1', 'dbs.cn-north-2-gov-1.aliyuncs.com'],
    // Inherited object keys are not regions.
    ['constructor', 'dbs.constructor.aliyuncs.com'],
  ])('%s -> %s', (region, host) => {
    expect(regionHost(region)).toBe(host);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['dbs-api.cn-hangzhou.aliyuncs.com', { protocol: 'https', host: 'dbs-api.cn-hangzhou.aliyuncs.com' }],
    ['127.0.0.1:8080', { protocol: 'https', host: '127.0.0.1:8080' }],
    ['http://127.0.0.1:8080', { protocol: 'http', host: '127.0.0.1:8080' }],
    ['HTTPS://Gateway.Example.com/', { protocol: 'https', host: 'gateway.example.com' }],
    ['http://[::1]:9000', { protocol: 'http', host: '[::1]:9000' }],
    ['localhost', { protocol: 'https', host: 'localhost' }],
  ])('accepts %s', (value, expected) => {
    expect(parseEndpoint(value)).toEqual(expected);
  });

  it.each(['', 'ftp://host', 'http://host/path', 'host:99999', 'host:0', 'user@host', 'http://host?x=1', 'two words'])('rejects %j', (value) => {
    expect(() => parseEndpoint(value)).toThrow(/expected host\[:port\] or http\(s\):\/\/host\[:port\]/);
  });
});

describe('resolveEndpoint', () => {
  it('prefers the override over the region', () => {
    expect(resolveEndpoint('ap-southeast-1', { protocol: 'http', host: '127.0.0.1:1' })).toEqual({ protocol: 'http', host: '127.0.0.1:1' });
    expect(resolveEndpoint('ap-southeast-1', null)).toEqual({ protocol: 'https', host: 'dbs-api.ap-southeast-1.aliyuncs.com' });
    expect(resolveEndpoint('cn-guangzhou', null)).toEqual({ protocol: 'https', host: 'dbs.cn-guangzhou.aliyuncs.com' });
  });
});
