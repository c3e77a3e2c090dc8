import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, parseCommandLine, UsageError } from '../../src/cli.js';

describe('parseCommandLine', () => {
  it.each([
    [[], { command: 'stdio' }],
    [['--http'], { command: 'http', host: DEFAULT_HTTP_HOST, port: DEFAULT_HTTP_PORT }],
    [['--http', '--port', '9000'], { command: 'http', host: '127.0.0.1', port: 9000 }],
    [['--http', '--port=0', '--host=0.0.0.0'], { command: 'http', host: '0.0.0.0', port: 0 }],
    [['--host', '::1', '--http'], { command: 'http', host: '::1', port: 8816 }],
    [['--http', '--host', '[::1]'], { command: 'http', host: '::1', port: 8816 }],
    [['--http', '--host', 'mcp.internal.example'], { command: 'http', host: 'mcp.internal.example', port: 8816 }],
    [['--help'], { command: 'help' }],
    [['-h'], { command: 'help' }],
    [['--http', '--help'], { command: 'help' }],
    [['--version'], { command: 'version' }],
    [['-v'], { command: 'version' }],
  ])('%j -> %j', (argv, expected) => {
    expect(parseCommandLine(argv)).toEqual(expected);
  });

  it('defaults to loopback on a fixed documented port', () => {
    expect([DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT]).toEqual(['127.0.0.1', 8816]);
  });

  it.each([
    [['--bogus'], /^Unknown option '--bogus'$/],
    [['stdio'], /^Unexpected argument 'stdio'/],
    [['--port', '9000'], /^--port only applies with --http$/],
    [['--host', '0.0.0.0'], /^--host only applies with --http$/],
    [['--http', '--port'], /--port <value>' argument missing/],
    [['--http', '--port', '65536'], /^--port must be a whole number from 0 to 65535, got "65536"$/],
    [['--http', '--port', '80a'], /^--port must be a whole number/],
    [['--http', '--port=-1'], /^--port must be a whole number/],
    [['--http', '--host', 'not a host'], /^--host must be an IP address or a host name, got "not a host"$/],
    [['--http', '--host', 'http://example.com'], /^--host must be/],
    [['--http=yes'], /'--http' does not take an argument/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
