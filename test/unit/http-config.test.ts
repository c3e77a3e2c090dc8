import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, readHttpConfig, tokenStrengthBits } from '../../src/config.js';

const TOKEN = '7c0f4b9a2d6e41f3a8b5c9d0e1f2a3b4';

describe('readHttpConfig', () => {
  it('has no token, default host and origin lists and a 5 s grace period when nothing is set', () => {
    expect(readHttpConfig({})).toEqual({
      token: null,
      allowedHosts: null,
      allowedOrigins: null,
      shutdownGraceMs: 5000,
      headersTimeoutMs: 10_000,
      idleTimeoutMs: 5_000,
      maxConnections: 512,
      maxConnectionsPerAddress: 64,
    });
  });

  it('treats empty strings as unset', () => {
    const env = { DBS_MCP_HTTP_TOKEN: '', DBS_MCP_ALLOWED_HOSTS: '', DBS_MCP_ALLOWED_ORIGINS: ' , ', DBS_MCP_SHUTDOWN_GRACE_MS: '' };
    expect(readHttpConfig(env)).toEqual(readHttpConfig({}));
  });

  it('reads and normalises every setting', () => {
    expect(
      readHttpConfig({
        DBS_MCP_HTTP_TOKEN: TOKEN,
        DBS_MCP_ALLOWED_HOSTS: 'MCP.Example.com, mcp.example.com:8443,10.0.0.5, [0:0:0:0:0:0:0:1]:8816,*',
        DBS_MCP_ALLOWED_ORIGINS: 'https://Chat.Example.com, http://localhost:3000/, https://x.example:443',
        DBS_MCP_SHUTDOWN_GRACE_MS: '250',
        DBS_MCP_HTTP_HEADERS_TIMEOUT_MS: '500',
        DBS_MCP_HTTP_IDLE_TIMEOUT_MS: '700',
        DBS_MCP_HTTP_MAX_CONNECTIONS: '20',
        DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '5',
      }),
    ).toEqual({
      token: TOKEN,
      allowedHosts: ['mcp.example.com', 'mcp.example.com:8443', '10.0.0.5', '[::1]:8816', '*'],
      allowedOrigins: ['https://chat.example.com', 'http://localhost:3000', 'https://x.example'],
      shutdownGraceMs: 250,
      headersTimeoutMs: 500,
      idleTimeoutMs: 700,
      maxConnections: 20,
      maxConnectionsPerAddress: 5,
    });
  });

  it.each([
    ['DBS_MCP_ALLOWED_HOSTS', 'http://mcp.example.com', /DBS_MCP_ALLOWED_HOSTS: "http:\/\/mcp.example.com" is not a host name/],
    ['DBS_MCP_ALLOWED_HOSTS', 'mcp.example.com/mcp', /DBS_MCP_ALLOWED_HOSTS/],
    ['DBS_MCP_ALLOWED_HOSTS', 'mcp.example.com:70000', /DBS_MCP_ALLOWED_HOSTS/],
    ['DBS_MCP_ALLOWED_HOSTS', 'a b', /DBS_MCP_ALLOWED_HOSTS/],
    ['DBS_MCP_ALLOWED_ORIGINS', 'chat.example.com', /DBS_MCP_ALLOWED_ORIGINS: "chat.example.com" is not an origin/],
    ['DBS_MCP_ALLOWED_ORIGINS', 'https://chat.example.com/app', /DBS_MCP_ALLOWED_ORIGINS/],
    ['DBS_MCP_ALLOWED_ORIGINS', 'ftp://chat.example.com', /DBS_MCP_ALLOWED_ORIGINS/],
    ['DBS_MCP_ALLOWED_ORIGINS', 'null', /DBS_MCP_ALLOWED_ORIGINS/],
    ['DBS_MCP_SHUTDOWN_GRACE_MS', '-1', /DBS_MCP_SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => readHttpConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readHttpConfig({ [name]: value })).toThrow(message);
  });

  it.each([
    'short-token',
    'sixteen chars ok',
    `${TOKEN}\u00e9`,
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'abababababababababab',
    'abcabcabcabcabcabcabc',
    'abcdefghijklmnopqrstuvwxyz',
    'zyxwvutsrqponmlkjihgfedcba',
    '1111111122222222',
    '1234567890123456',
    '0123456789abcdef',
    '0123456789abcdef0123456789abcdef',
    'abcdefgh12345678',
    'qwertyqwertyqwerty',
    '2718281828459045',
  ])('rejects a weak or malformed token without quoting it (%s)', (token) => {
    let error: unknown;
    try {
      readHttpConfig({ DBS_MCP_HTTP_TOKEN: token });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^DBS_MCP_HTTP_TOKEN must be at least 16 visible ASCII characters/);
    expect((error as Error).message).not.toContain(token);
  });

  it.each([TOKEN, 'f3a9c1d27b6e40a8', 'Tr0ub4dor&3-correct-horse'])('takes a token with some entropy (%s)', (token) => {
    expect(readHttpConfig({ DBS_MCP_HTTP_TOKEN: token }).token).toBe(token);
  });

  it('states the strength rule in the message', () => {
    expect(() => readHttpConfig({ DBS_MCP_HTTP_TOKEN: '0123456789abcdef' })).toThrow(
      /carry an estimated 56 bits: each character counts by the classes the token uses \(hex 4 bits.*runs and repeats \(aaaa\.\.\., 1234\.\.\., abcabc\.\.\.\) count nothing/,
    );
  });

  it('takes random tokens of 32 hex or base64 characters, as openssl rand gives them', () => {
    for (let i = 0; i < 2000; i++) {
      for (const token of [randomBytes(16).toString('hex'), randomBytes(24).toString('base64')]) {
        expect(readHttpConfig({ DBS_MCP_HTTP_TOKEN: token }).token).toBe(token);
      }
    }
  });
});

describe('tokenStrengthBits', () => {
  it.each([
    ['f3a9c1d27b6e40a8', 16 * 4],
    ['F3A9C1D27B6E40A8', 16 * 4],
    ['8203948571029384', 16 * Math.log2(10)],
    ['qwhvnzkdlepfmgut', 16 * Math.log2(26)],
    ['qwhvnzkdlepfmgu7', 16 * Math.log2(36)],
    ['qwhvnZkdlepfmgu7', 16 * Math.log2(62)],
    ['qwhvnZkdlepfm-u7', 16 * Math.log2(94)],
    // Runs: the third character on is predicted, whether it repeats, counts up or counts down.
    ['zzzzzzzz', 2 * Math.log2(26)],
    ['12345678', 2 * Math.log2(10)],
    ['hgfedcba', 2 * Math.log2(26)],
    ['f3a9c1d27b6e40a8456', 18 * 4],
    // Repeats: the last of any three characters seen before.
    ['abcxabcx', 5 * Math.log2(26)],
    ['f3a9c1d2f3a9', 10 * 4],
  ])('%s: %d bits', (token, bits) => {
    expect(tokenStrengthBits(token)).toBeCloseTo(bits, 6);
  });
});
