/**
 * Logs go to stderr (stdout carries the protocol) and, once connected, to MCP logging notifications.
 * Logging never throws and never recurses: a line that cannot be written is dropped, and once
 * stderr has failed (the host closed it: EPIPE) nothing more is written there.
 */
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { watchLogLevel } from './log-level.js';
import type { LogFormat } from './config.js';
import { upstreamText } from './redact.js';

/** Extra facts for a JSON log line; text lines carry them in the message already. */
export type LogFields = Record<string, string | number | boolean | null>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

// The MCP levels in order (RFC 5424 severities); this server writes debug, info, warning and error.
const RANK: Record<LoggingLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7 };

type StderrLevel = 'debug' | 'info' | 'warning' | 'error';

export interface LoggerOptions {
  /** Least level written to stderr; MCP clients choose their own with logging/setLevel. */
  stderrLevel?: StderrLevel;
  /** text: `dbs-backup-mcp level: message`; json: one object per line for log pipelines. */
  format?: LogFormat;
  write?: (line: string) => void;
  now?: () => Date;
}

// A stack trace fits; a multi-megabyte message from upstream does not belong on one line.
const MAX_LINE_CHARS = 8 * 1024;

/** One line of the log, newline included; `time`, `level` and `message` cannot be overridden by fields. */
export function formatLine(format: LogFormat, level: LoggingLevel, message: string, fields: LogFields | undefined, time: Date): string {
  if (format === 'text') return `dbs-backup-mcp ${level}: ${message}\n`;
  return `${JSON.stringify({ ...fields, time: time.toISOString(), level, message })}\n`;
}

function redactFields(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, typeof value === 'string' ? upstreamText(value, MAX_LINE_CHARS) : value]));
}

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

export interface ServerLogger extends Logger {
  /** Sends log lines to `server`'s client too; connect the server to the transport this returns. */
  attach(server: McpServer, transport: Transport): Transport;
  setStderrLevel(level: StderrLevel): void;
  setFormat(format: LogFormat): void;
}

export function createLogger(options: LoggerOptions = {}): ServerLogger {
  let threshold = RANK[options.stderrLevel ?? 'info'];
  let format = options.format ?? 'text';
  const write = options.write ?? writeStderr;
  const now = options.now ?? (() => new Date());
  let server: McpServer | undefined;
  let emitting = false;
  // Until the client picks a level with logging/setLevel it gets info and up, as stderr does by
  // default: a debug line for every tool call is noise to a host that never asked for it.
  let clientThreshold = RANK.info;

  const emit = (level: LoggingLevel, message: string, fields?: LogFields): void => {
    // A line logged while one is being written (from an error handler it triggered) is dropped.
    if (emitting) return;
    emitting = true;
    try {
      // One entry is one line: a newline, carriage return or terminal escape in a message cannot forge or hide another.
      const text = upstreamText(message, MAX_LINE_CHARS);
      if (RANK[level] >= threshold) write(formatLine(format, level, text, fields && redactFields(fields), now()));
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
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warning: (m, f) => emit('warning', m, f),
    error: (m, f) => emit('error', m, f),
    setStderrLevel(level) {
      threshold = RANK[level];
    },
    setFormat(next) {
      format = next;
    },
    attach(target, transport) {
      server = target;
      // The SDK answers logging/setLevel and filters by the level chosen; until a client chooses one, info and up.
      return watchLogLevel(transport, (level) => {
        clientThreshold = RANK[level];
      });
    },
  };
}
