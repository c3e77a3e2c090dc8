/** What every tool handler does around its work: progress notifications, retry logs and error results. */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RetryNotice } from '../dbs/client.js';
import { DbsError, formatError } from '../dbs/errors.js';
import type { Logger } from '../log.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export function errorResult(error: DbsError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: formatError(error) }] };
}

/** Sends progress notifications when the client asked for them (a progress token), else nothing. */
export function progressSender(extra: ToolExtra): ((progress: number, total: number, message: string) => void) | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return (progress, total, message) => {
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total, message } }).catch(() => undefined);
  };
}

export function retryLogger(toolName: string, log: Logger): (notice: RetryNotice, pageNum?: number) => void {
  return (notice, pageNum) =>
    log.warning(`${toolName}${pageNum === undefined ? '' : ` page ${pageNum}`}: ${notice.error.code}, retrying in ${notice.delayMs} ms (attempt ${notice.attempt} of ${notice.maxAttempts})`);
}

/** The result of a call that threw: an API or local failure as its own error, anything else as a logged bug. */
export function failureResult(toolName: string, raw: unknown, log: Logger, startedMs: number): CallToolResult {
  if (!(raw instanceof DbsError)) {
    // A bug, not an API failure: log its stack (no request data is in it) and answer without details.
    log.error(`${toolName}: unexpected failure: ${(raw as Error)?.stack ?? String(raw)}`);
    return errorResult(new DbsError('UnexpectedError', 'the server failed while handling this call; see its log'));
  }
  if (raw.code === 'Cancelled') log.info(`${toolName}: cancelled by the client after ${Date.now() - startedMs} ms`);
  else log.warning(`${toolName}: ${raw.code}: ${raw.message}`);
  return errorResult(raw);
}
