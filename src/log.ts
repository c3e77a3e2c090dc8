/**
 * Logs go to stderr (stdout carries the protocol) and, once connected, to MCP logging notifications.
 * Logging never throws and never recurses: a line that cannot be written is dropped, and once
 * stderr has failed (the host closed it: EPIPE) nothing more is written there.
 */
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { cutText, redactSecrets } from './redact.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

// The MCP levels in order (RFC 5424 severities); this server writes debug, info, warning and error.
const RANK: Record<LoggingLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7 };

type StderrLevel = 'debug' | 'info' | 'warning' | 'error';

export interface LoggerOptions {
  /** Least level written to stderr; MCP clients choose their own with logging/setLevel. */
  stderrLevel?: StderrLevel;
  write?: (line: string) => void;
}

// A stack trace fits; a multi-megabyte message from upstream does not belong on one line.
const MAX_LINE_CHARS = 8 * 1024;

let stderrBroken: boolean | undefined;

/** Writes to stderr until the first failure, then drops everything: an EPIPE must not become a log line of its own. */
function writeStderr(line: string): void {
  if (stderrBroken === undefined) {
    stderrBroken = false;
    process.stderr.on('error', () => {
      stderrBroken = true;
    });
  }
  if (stderrBroken || process.stderr.destroyed || !process.stderr.writable) return;
  process.stderr.write(line);
}

export function createLogger(options: LoggerOptions = {}): Logger & { attach(server: McpServer): void; setStderrLevel(level: StderrLevel): void } {
  let threshold = RANK[options.stderrLevel ?? 'info'];
  const write = options.write ?? writeStderr;
  let server: McpServer | undefined;
  let emitting = false;
  // Until the client picks a level with logging/setLevel it gets info and up, as stderr does by
  // default: a debug line for every tool call is noise to a host that never asked for it.
  let clientThreshold = RANK.info;

  const emit = (level: LoggingLevel, message: string): void => {
    // A line logged while one is being written (from an error handler it triggered) is dropped.
    if (emitting) return;
    emitting = true;
    try {
      const text = redactSecrets(cutText(message, MAX_LINE_CHARS));
      if (RANK[level] >= threshold) write(`dbs-backup-mcp ${level}: ${text}\n`);
      if (RANK[level] >= clientThreshold && server?.isConnected()) {
        void server.sendLoggingMessage({ level, logger: 'dbs-backup-mcp', data: text }).catch(() => undefined);
      }
    } catch {
      // Nowhere left to report it.
    } finally {
      emitting = false;
    }
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warning: (m) => emit('warning', m),
    error: (m) => emit('error', m),
    setStderrLevel(level) {
      threshold = RANK[level];
    },
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
