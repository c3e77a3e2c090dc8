/**
 * The one way to declare a tool: it owns registration, annotations, timing and logs, progress
 * notifications, retry logs, error results and structuredContent, so a tool says only what it does.
 */
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type * as z from 'zod';
import type { Config } from '../../config.js';
import type { DbsClient, RetryNotice } from '../../dbs/client.js';
import { DbsError } from '../../dbs/errors.js';
import type { Logger } from '../../log.js';
import { formatError, ToolError, type Failure } from './errors.js';
import { refuseLoneSurrogates } from './input.js';

type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Progress = (progress: number, total: number, message: string) => void;

/** What a tool's work is given for one call. */
export interface ToolRun {
  client: DbsClient;
  config: Config;
  signal?: AbortSignal | undefined;
  /** Sends a progress notification; undefined when the client asked for none. */
  onProgress?: Progress | undefined;
  onRetry?: ((notice: RetryNotice, pageNum?: number) => void) | undefined;
  /** Who is calling, when the transport serves several clients (HTTP); undefined over stdio. */
  clientId?: string | undefined;
}

/** What the server hands every tool: settings, the DBS client and the log (its ToolServices). */
export type ToolServices = Pick<ToolRun, 'client' | 'config'> & { log: Logger };

export interface ToolSpec<In extends z.ZodObject, Out extends z.ZodObject, Input> {
  name: string;
  title: string;
  description: string;
  input: In;
  output: Out;
  /** The arguments as the work takes them; throws a ToolError for arguments the schema cannot refuse. */
  prepare: (args: z.output<In>) => Input;
  run: (input: Input, run: ToolRun) => Promise<z.output<Out>>;
  render: (result: z.output<Out>, input: Input) => string;
  /** The log line of a call that worked, and its level. */
  logLine: (result: z.output<Out>, input: Input, ms: number) => { level: 'debug' | 'info'; message: string };
}

/** A declared tool, ready for the registry. */
export interface Tool {
  name: string;
  title: string;
  register(server: McpServer, context: ToolServices): void;
}

function errorResult(error: Failure): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: formatError(error) }] };
}

/** Sends progress notifications when the client asked for them (a progress token), else nothing. */
function progressSender(extra: ToolExtra): Progress | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return (progress, total, message) => {
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total, message } }).catch(() => undefined);
  };
}

/**
 * The caller's identity for per-client bounds, when the transport has more than one client: an HTTP
 * session, else a digest of the bearer token (never the token itself); undefined over stdio.
 */
function clientIdOf(extra: ToolExtra): string | undefined {
  if (extra.sessionId !== undefined) return `session:${extra.sessionId}`;
  if (extra.requestInfo === undefined) return undefined;
  const authorization = extra.requestInfo.headers.authorization;
  const token = Array.isArray(authorization) ? authorization[0] : authorization;
  return token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}` : 'anonymous';
}

/** The request ids a result names, for a log pipeline to trace the call upstream. */
function requestIdsOf(result: unknown): string | null {
  const ids = (result as { request?: { requestIds?: unknown } }).request?.requestIds;
  return Array.isArray(ids) && ids.length > 0 ? ids.slice(-10).join(',') : null;
}

function retryLogger(toolName: string, log: Logger): NonNullable<ToolRun['onRetry']> {
  return (notice, pageNum) =>
    log.warning(
      `${toolName}${pageNum === undefined ? '' : ` page ${pageNum}`}: ${notice.error.code}, retrying in ${notice.delayMs} ms (attempt ${notice.attempt} of ${notice.maxAttempts})`,
      { tool: toolName, code: notice.error.code, requestId: notice.error.requestId ?? null, attempt: notice.attempt },
    );
}

/** The result of a call that threw: an API, local or tool failure as its own error, anything else as a logged bug. */
function failureResult(toolName: string, raw: unknown, log: Logger, startedMs: number): CallToolResult {
  if (!(raw instanceof DbsError) && !(raw instanceof ToolError)) {
    // A bug, not an API failure: log its stack (no request data is in it) and answer without details.
    log.error(`${toolName}: unexpected failure: ${(raw as Error)?.stack ?? String(raw)}`, { tool: toolName });
    return errorResult(new DbsError('UnexpectedError', 'the server failed while handling this call; see its log'));
  }
  const fields = { tool: toolName, code: raw.code, durationMs: Date.now() - startedMs, requestId: raw instanceof DbsError ? (raw.requestId ?? null) : null };
  if (raw.code === 'Cancelled') log.info(`${toolName}: cancelled by the client after ${fields.durationMs} ms`, fields);
  else log.warning(`${toolName}: ${raw.code}: ${raw.message}`, fields);
  return errorResult(raw);
}

async function call<In extends z.ZodObject, Out extends z.ZodObject, Input>(
  spec: ToolSpec<In, Out, Input>,
  context: ToolServices,
  args: z.output<In>,
  extra: ToolExtra,
): Promise<CallToolResult> {
  let input: Input;
  try {
    refuseLoneSurrogates(args);
    input = spec.prepare(args);
  } catch (error) {
    // Refused arguments are the caller's to fix: an answer, not a log line.
    if (error instanceof ToolError) return errorResult(error);
    throw error;
  }
  const started = Date.now();
  try {
    const { client, config, log } = context;
    const run: ToolRun = {
      client,
      config,
      signal: extra.signal,
      onProgress: progressSender(extra),
      onRetry: retryLogger(spec.name, log),
      clientId: clientIdOf(extra),
    };
    const result = await spec.run(input, run);
    const durationMs = Date.now() - started;
    const line = spec.logLine(result, input, durationMs);
    log[line.level](line.message, { tool: spec.name, durationMs, requestIds: requestIdsOf(result) });
    return { content: [{ type: 'text', text: spec.render(result, input) }], structuredContent: result as Record<string, unknown> };
  } catch (raw) {
    return failureResult(spec.name, raw, context.log, started);
  }
}

export function defineTool<In extends z.ZodObject, Out extends z.ZodObject, Input>(spec: ToolSpec<In, Out, Input>): Tool {
  const { name, title, description } = spec;
  // Every tool only reads, and reads the same answer twice; the DBS API is a world outside this server.
  const annotations = { title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
  return {
    name,
    title,
    register(server, context) {
      const config = { title, description, inputSchema: spec.input, outputSchema: spec.output, annotations };
      server.registerTool(name, config, ((args: z.output<In>, extra: ToolExtra) => call(spec, context, args, extra)) as never);
    },
  };
}
