#!/usr/bin/env node
/** Wiring only: read the configuration once, build the client and the server, serve over stdio. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigError, dropEmptyCredentialVariables, readConfig, type Config } from './config.js';
import { createDbsClient } from './dbs/client.js';
import { createLogger } from './log.js';
import { createServer } from './server.js';
import { SERVER_VERSION } from './version.js';

const log = createLogger({ stderrLevel: process.env.DBS_MCP_LOG_LEVEL === 'debug' ? 'debug' : 'info' });

function loadConfig(): Config {
  try {
    dropEmptyCredentialVariables(process.env);
    return readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`configuration: ${error.message}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const client = createDbsClient({
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    userAgent: `dbs-backup-mcp/${SERVER_VERSION}`,
  });
  const server = createServer({ config, client, log });
  log.attach(server);

  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) return;
    closing = true;
    log.debug(`shutting down (${reason})`);
    // In-flight calls cannot be answered once the client has gone: end now rather than wait for them.
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('uncaughtException', (error) => log.error(`uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));

  await server.connect(new StdioServerTransport());
  // The DBS SDK modules take 100-200 ms to load: load them after the handshake (a host lists tools
  // right after it), not in the first tool call.
  server.server.oninitialized = () => void setTimeout(() => void client.warmUp?.(), 200).unref();
  log.debug(`ready, region ${config.regionId}${config.endpointOverride ? `, endpoint ${config.endpointOverride.host}` : ''}`);
}

void main();
