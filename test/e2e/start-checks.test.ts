/** Settings that must stop the start, with a message that names them, before any request is made. */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../sim/simulator.js';
import { runServer } from '../helpers/http.js';
import { simulatorEnv } from '../helpers/stdio.js';

describe('invalid settings stop the start', () => {
  it.each([
    [{ DBS_MCP_LOG_LEVEL: 'verbose' }, [], /configuration: DBS_MCP_LOG_LEVEL must be one of debug, info, warning, error, got "verbose"/],
    [
      { ALIBABA_CLOUD_DBS_ENDPOINT: 'http://dbs.example.com' },
      [],
      /configuration: ALIBABA_CLOUD_DBS_ENDPOINT: refusing plain http:\/\/ to dbs\.example\.com.*DBS_MCP_ALLOW_INSECURE_HTTP=1/,
    ],
    [
      { DBS_MCP_HTTP_TOKEN: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      ['--http', '--port', '0'],
      /configuration: DBS_MCP_HTTP_TOKEN must be at least 16 visible ASCII characters/,
    ],
    [{ DBS_MCP_HTTP_HEADERS_TIMEOUT_MS: '10' }, ['--http', '--port', '0'], /configuration: DBS_MCP_HTTP_HEADERS_TIMEOUT_MS must be a whole number from 100/],
  ])('%o %o', async (extra, args, message) => {
    const sim = await startSimulator();
    try {
      const run = await runServer(simulatorEnv(sim, extra), args);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(sim.requests).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
