/** Logs go to stderr (stdout carries the protocol) and, once connected, to MCP logging notifications. */
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { redactSecrets } from './redact.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

// The MCP levels in order (RFC 5424 severities); this server writes debug, info, warning and error.
const RANK: Record<LoggingLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7 };

export interface LoggerOptions {
  /** Least level written to stderr; MCP clients choose their own with logging/setLevel. */
  stderrLevel?: 'debug' | 'info' | 'warning' | 'error';
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger & { attach(server: McpServer): void } {
  const threshold = RANK[options.stderrLevel ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  let server: McpServer | undefined;
  // Until the client picks a level with logging/setLevel it gets info and up, as stderr does by
  // default: a debug line for every tool call is noise to a host that never asked for it.
  let clientThreshold = RANK.info;

  const emit = (level: LoggingLevel, message: string): void => {
    const text = redactSecrets(message);
    if (RANK[level] >= threshold) write(`dbs-backup-mcp ${level}: ${text}\n`);
    if (RANK[level] >= clientThreshold && server?.isConnected()) {
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
      // Replaces the SDK's own handler, which would send every level until the client set one.
      target.server.setRequestHandler(SetLevelRequestSchema, (request) => {
        clientThreshold = RANK[request.params.level];
        return {};
      });
    },
  };
}
