#!/usr/bin/env node
/** Wiring only: parse the command line, read the configuration once, build the client and the server, serve. */
import { parseCommandLine, UsageError, USAGE, type CommandLine } from './cli.js';
import { ConfigError, dropEmptyCredentialVariables, readConfig, readHttpConfig, readLogFormat, readLogLevel, type Config } from './config.js';
import { createDbsClient, type DbsClient } from './dbs/client.js';
import { describeProxy } from './dbs/proxy.js';
import { createLogger } from './log.js';
import type { RunningHttpServer } from './http.js';
import { createServer } from './server.js';
import { createStdinGate } from './stdio-input.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { SERVER_VERSION } from './version.js';

const log = createLogger();
// 1 MiB: a tools/call here is under 1 KiB; the SDK's own buffer (10 MiB) ends the transport when outgrown.
const MAX_STDIO_MESSAGE_BYTES = 1024 * 1024;
// Requests waiting for a slot before stdin stops being read: enough to keep every slot busy.
const MAX_QUEUED_BEFORE_PAUSE = 64;

function readCommandLine(): CommandLine {
  try {
    return parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dbs-backup-mcp: ${error.message}\nRun dbs-backup-mcp --help for the options.\n`);
    process.exit(2);
  }
}

function loadConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`configuration: ${error.message}`);
    process.exit(1);
  }
}

async function serveStdio(config: Config, client: DbsClient): Promise<void> {
  const server = createServer({ config, client, log });

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
  // A host that closes our stdout cannot hear anything more: end rather than fail on every write.
  process.stdout.on('error', () => shutdown('stdout closed'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const stdin = createStdinGate({
    maxLineBytes: MAX_STDIO_MESSAGE_BYTES,
    overloaded: () => (client.load?.().waiting ?? 0) > MAX_QUEUED_BEFORE_PAUSE,
    onOversized(bytes, id) {
      const message = `Request too large: ${bytes} bytes, at most ${MAX_STDIO_MESSAGE_BYTES} bytes per message`;
      log.error(`dropped a stdio message of ${bytes} bytes (at most ${MAX_STDIO_MESSAGE_BYTES})${id === undefined ? ', no id to answer' : ''}`);
      // One whole line, as the transport writes them, so the two cannot interleave.
      if (id !== undefined) process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidRequest, message } })}\n`);
    },
  });
  process.stdin.pipe(stdin);
  await server.connect(log.attach(server, new StdioServerTransport(stdin)));
  // Load the credentials SDK after the handshake (a host lists tools right after it), not in the first tool call.
  server.server.oninitialized = () => void setTimeout(() => void client.warmUp?.(), 200).unref();
  log.debug(`ready, region ${config.regionId}${config.endpointOverride ? `, endpoint ${config.endpointOverride.host}` : ''}${describeProxies(config)}`);
}

/** For the start-up line: which proxies are in use, without their user names or passwords. */
function describeProxies(config: Config): string {
  if (config.proxy === undefined) return '';
  const { https, http, noProxy } = config.proxy;
  const parts = [https && `https via ${describeProxy(https)}`, http && `http via ${describeProxy(http)}`].filter(Boolean);
  if (parts.length === 0) return '';
  return `, ${parts.join(', ')}${noProxy.length > 0 ? ` (NO_PROXY: ${noProxy.join(',')})` : ''}`;
}

async function serveHttp(command: Extract<CommandLine, { command: 'http' }>, config: Config, client: DbsClient): Promise<void> {
  const http = loadConfig(() => readHttpConfig(process.env));
  // Loaded only here: stdio start-up does not pay for the HTTP transport.
  const { ListenRefusedError, startHttpServer } = await import('./http.js');
  let server: RunningHttpServer | undefined;
  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${reason})`);
    if (server === undefined) process.exit(0);
    void server.close().finally(() => process.exit(0));
  };
  // Before listening: a signal right after the address is printed must still shut down cleanly.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    server = await startHttpServer({ host: command.host, port: command.port, http, context: { config, client, log } });
  } catch (error) {
    log.error(error instanceof ListenRefusedError ? error.message : `cannot listen on ${command.host}:${command.port}: ${(error as Error).message}`);
    process.exit(error instanceof ListenRefusedError ? 2 : 1);
  }
}

async function main(): Promise<void> {
  const command = readCommandLine();
  if (command.command === 'help') return void process.stdout.write(USAGE);
  if (command.command === 'version') return void process.stdout.write(`${SERVER_VERSION}\n`);

  log.setFormat(loadConfig(() => readLogFormat(process.env)));
  log.setStderrLevel(loadConfig(() => readLogLevel(process.env)));
  const config = loadConfig(() => {
    dropEmptyCredentialVariables(process.env);
    return readConfig(process.env);
  });
  const client = createDbsClient({
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    maxActiveRequests: config.maxActiveRequests,
    backgroundPerSecond: config.waitRate,
    userAgent: `dbs-backup-mcp/${SERVER_VERSION}`,
    proxy: config.proxy,
  });
  // The logger never throws, so reporting cannot raise the next exception; kept alive either way.
  process.on('uncaughtException', (error) => log.error(`uncaught: ${error?.stack ?? String(error)}`));
  process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));

  if (command.command === 'http') await serveHttp(command, config, client);
  else await serveStdio(config, client);
}

void main();
