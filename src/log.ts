/** Logs go to stderr (stdout carries the protocol) and, once connected, to MCP logging notifications. */
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { redactSecrets } from './redact.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

const RANK: Record<string, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface LoggerOptions {
  /** Least level written to stderr; MCP clients choose their own with logging/setLevel. */
  stderrLevel?: 'debug' | 'info' | 'warning' | 'error';
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger & { attach(server: McpServer): void } {
  const threshold = RANK[options.stderrLevel ?? 'info']!;
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  let server: McpServer | undefined;

  const emit = (level: LoggingLevel, message: string): void => {
    const text = redactSecrets(message);
    if ((RANK[level] ?? 0) >= threshold) write(`dbs-backup-mcp ${level}: ${text}\n`);
    if (server?.isConnected()) {
      // sendLoggingMessage drops levels below what the client asked for.
      void server.sendLoggingMessage({ level, logger: 'dbs-backup-mcp', data: text }).catch(() => undefined);
    }
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warning: (m) => emit('warning', m),
    error: (m) => emit('error', m),
    attach(target) {
      server = target;
    },
  };
}
