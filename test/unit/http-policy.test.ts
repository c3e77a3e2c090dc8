import { describe, expect, it } from 'vitest';
import { createRequestPolicy, defaultAllowedHosts, isLoopbackAddress, listenRefusal, parseHostPort } from '../../src/http-policy.js';

const TOKEN = 'f3a9c1e07b2d4c58a6e1f0b9d8c7a6b5';

describe('parseHostPort', () => {
  it.each([
    ['localhost', { hostname: 'localhost', port: undefined }],
    ['LocalHost:8816', { hostname: 'localhost', port: 8816 }],
    ['127.0.0.1:80', { hostname: '127.0.0.1', port: 80 }],
    ['[::1]:8816', { hostname: '[::1]', port: 8816 }],
    ['[0:0:0:0:0:0:0:1]', { hostname: '[::1]', port: undefined }],
    ['mcp.example.com', { hostname: 'mcp.example.com', port: undefined }],
  ])('%s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each(['', 'evil.example.com:0', 'a:99999', 'user@host', 'host/path', '::1', '[::g]', 'exa mple.com', '-x.example'])('rejects %j', (text) => {
    expect(parseHostPort(text)).toBeNull();
  });
});

describe('isLoopbackAddress and listenRefusal', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['128.0.0.1', false],
    ['mcp.internal.example', false],
  ])('%s loopback: %s', (host, loopback) => {
    expect(isLoopbackAddress(host)).toBe(loopback);
    expect(listenRefusal(host, null) === null).toBe(loopback);
    expect(listenRefusal(host, TOKEN)).toBeNull();
  });

  it('says why and what to do, without any token', () => {
    expect(listenRefusal('0.0.0.0', null)).toBe(
      "refusing to listen on 0.0.0.0 without DBS_MCP_HTTP_TOKEN: anyone who can reach it could call DBS with this server's credentials. " +
        'Set DBS_MCP_HTTP_TOKEN (e.g. openssl rand -hex 32) or listen on 127.0.0.1.',
    );
  });
});

describe('defaultAllowedHosts', () => {
  it.each([
    ['127.0.0.1', ['localhost', '127.0.0.1', '[::1]']],
    ['::1', ['localhost', '127.0.0.1', '[::1]']],
    ['0.0.0.0', ['localhost', '127.0.0.1', '[::1]']],
    ['::', ['localhost', '127.0.0.1', '[::1]']],
    ['10.0.0.5', ['localhost', '127.0.0.1', '[::1]', '10.0.0.5']],
    ['fd00::5', ['localhost', '127.0.0.1', '[::1]', '[fd00::5]']],
    ['MCP.Internal.Example', ['localhost', '127.0.0.1', '[::1]', 'mcp.internal.example']],
  ])('listening on %s', (host, expected) => {
    expect(defaultAllowedHosts(host)).toEqual(expected);
  });
});

describe('createRequestPolicy', () => {
  const loopback = createRequestPolicy({ listenHost: '127.0.0.1', token: null, allowedHosts: null, allowedOrigins: null });

  it.each([
    ['127.0.0.1:8816', true],
    ['localhost:8816', true],
    ['localhost', true],
    ['[::1]:8816', true],
    ['LOCALHOST:1234', true],
    ['evil.example.com', false],
    ['evil.example.com:8816', false],
    ['127.0.0.1.nip.io:8816', false],
    ['localhost.evil.example.com', false],
    ['', false],
    [undefined, false],
  ])('default hosts: Host %j allowed %s', (host, allowed) => {
    expect(loopback.hostAllowed(host)).toBe(allowed);
  });

  it.each([
    [undefined, true],
    ['http://localhost:6274', true],
    ['http://127.0.0.1:8816', true],
    ['https://[::1]', true],
    ['http://evil.example.com', false],
    ['http://localhost.evil.example.com', false],
    ['null', false],
    ['', false],
    ['file://localhost', false],
  ])('default origins: Origin %j allowed %s', (origin, allowed) => {
    expect(loopback.originAllowed(origin)).toBe(allowed);
  });

  it('uses the configured lists instead of the defaults, ports included', () => {
    const policy = createRequestPolicy({
      listenHost: '0.0.0.0',
      token: TOKEN,
      allowedHosts: ['mcp.example.com', 'gw.example.com:8443'],
      allowedOrigins: ['https://chat.example.com'],
    });
    expect(policy.allowedHosts).toEqual(['mcp.example.com', 'gw.example.com:8443']);
    expect(['mcp.example.com', 'MCP.example.com:443', 'gw.example.com:8443'].map((h) => policy.hostAllowed(h))).toEqual([true, true, true]);
    expect(['gw.example.com', 'gw.example.com:443', 'localhost:8816', '127.0.0.1'].map((h) => policy.hostAllowed(h))).toEqual([false, false, false, false]);
    expect(
      ['https://chat.example.com', 'https://chat.example.com:443', 'http://chat.example.com', 'http://localhost:3000'].map((o) => policy.originAllowed(o)),
    ).toEqual([true, true, false, false]);
  });

  it('accepts any well-formed Host with "*"', () => {
    const policy = createRequestPolicy({ listenHost: '0.0.0.0', token: TOKEN, allowedHosts: ['*'], allowedOrigins: null });
    expect([policy.hostAllowed('anything.example:1'), policy.hostAllowed('10.1.2.3'), policy.hostAllowed(undefined), policy.hostAllowed('a b')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('lets everything through without a token', () => {
    expect([loopback.authorized(undefined), loopback.authorized('Bearer anything')]).toEqual([true, true]);
  });

  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer  ${TOKEN} `, true],
    [undefined, false],
    ['', false],
    ['Bearer', false],
    [`Basic ${TOKEN}`, false],
    [TOKEN, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Bearer ${TOKEN}0`, false],
    [`Bearer ${TOKEN.toUpperCase()}`, false],
    [`Bearer ${TOKEN} extra`, false],
  ])('with a token: Authorization %j authorized %s', (authorization, authorized) => {
    const policy = createRequestPolicy({ listenHost: '127.0.0.1', token: TOKEN, allowedHosts: null, allowedOrigins: null });
    expect(policy.authorized(authorization)).toBe(authorized);
  });
});
