/**
 * MCP over Streamable HTTP, stateless: every POST /mcp gets its own McpServer and transport and
 * nothing outlives the request, so any replica behind a load balancer can answer any request.
 * Checks run before the body is read: path, Host and Origin (DNS rebinding), bearer token, method.
 */
import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isJSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { HttpConfig } from './config.js';
import { createRequestPolicy, listenRefusal } from './http-policy.js';
import { createServer } from './server.js';
import type { ToolContext } from './tools/context.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';
// 64 KiB: the largest valid tools/call here is under 1 KiB, an initialize a few KiB.
const MAX_BODY_BYTES = 64 * 1024;
// 65 s: longer than the 60 s idle timeout of common load balancers and proxies, so they never
// send a request on a connection this side is closing.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Listening here without a token would expose the DBS credentials; the caller exits with status 2. */
export class ListenRefusedError extends Error {
  override readonly name = 'ListenRefusedError';
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in `url`. */
  port: number;
  http: HttpConfig;
  /**
   * Shared by every request. Its log writes to stderr only: a stateless request has no stream
   * for notifications outside its own response, and a call's warnings are in its result.
   */
  context: ToolContext;
}

export interface RunningHttpServer {
  /** http://host:port/mcp */
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish for `shutdownGraceMs`, then
   * answers the rest with an error and cancels their work. Resolves once every socket is closed.
   */
  close(): Promise<void>;
}

interface InFlight {
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  requestIds: RequestId[];
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Error answers in the JSON-RPC shape the SDK's transport uses, so clients report them the same way. */
function sendRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

type Body = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads at most `limit` bytes; past that it stops keeping data and answers too-large at once. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body): void => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle({ kind: 'too-large' });
      else chunks.push(chunk);
    });
    req.on('end', () => settle({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}

function requestIdsOf(message: unknown): RequestId[] {
  const messages = Array.isArray(message) ? message : [message];
  return messages.filter((m) => isJSONRPCRequest(m)).map((m) => m.id);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { http, context } = options;
  const { log } = context;
  const refusal = listenRefusal(options.host, http.token);
  if (refusal !== null) throw new ListenRefusedError(refusal);

  const policy = createRequestPolicy({ listenHost: options.host, ...http });
  const inFlight = new Set<InFlight>();
  let draining = false;
  let whenIdle: (() => void) | undefined;

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void => {
    log.warning(`refused ${req.method} ${MCP_PATH} from ${req.socket.remoteAddress}: ${message}`);
    sendRpcError(res, status, ErrorCode.ConnectionClosed, message, headers);
  };

  async function serveMcp(req: IncomingMessage, res: ServerResponse, message: unknown): Promise<void> {
    // No MCP tasks: this server and its memory end with the request.
    const server = createServer(context, { tasks: false });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const call: InFlight = { server, transport, requestIds: requestIdsOf(message) };
    inFlight.add(call);
    res.on('close', () => {
      inFlight.delete(call);
      // Also aborts a handler still running for a client that has gone away.
      void server.close().catch(() => undefined);
      if (inFlight.size === 0) whenIdle?.();
    });
    server.server.onerror = (error) => log.debug(`mcp over http: ${error.message}`);
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) {
      // Unauthenticated and Host-agnostic: load balancers probe by address, and it tells nothing.
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { status: 'method not allowed' }, { Allow: 'GET, HEAD' });
      return sendJson(res, draining ? 503 : 200, { status: draining ? 'shutting down' : 'ok' });
    }
    if (path !== MCP_PATH) return sendRpcError(res, 404, ErrorCode.ConnectionClosed, `Not found: the MCP endpoint is ${MCP_PATH}`);
    if (!policy.hostAllowed(req.headers.host)) {
      return refuse(req, res, 403, `Forbidden: Host ${JSON.stringify(req.headers.host ?? '')} is not allowed (DBS_MCP_ALLOWED_HOSTS)`);
    }
    if (!policy.originAllowed(req.headers.origin)) {
      return refuse(req, res, 403, `Forbidden: Origin ${JSON.stringify(req.headers.origin)} is not allowed (DBS_MCP_ALLOWED_ORIGINS)`);
    }
    if (!policy.authorized(req.headers.authorization)) {
      const problem = req.headers.authorization === undefined ? 'missing' : 'wrong';
      return refuse(req, res, 401, `Unauthorized: ${problem} bearer token`, { 'WWW-Authenticate': 'Bearer realm="dbs-backup-mcp"' });
    }
    if (req.method !== 'POST') {
      // Stateless: no session stream to GET, no session to DELETE.
      return sendRpcError(res, 405, ErrorCode.ConnectionClosed, 'Method not allowed.', { Allow: 'POST' });
    }
    if (draining) return sendRpcError(res, 503, ErrorCode.ConnectionClosed, 'Service unavailable: shutting down', { Connection: 'close', 'Retry-After': '1' });

    const body = await readBody(req, MAX_BODY_BYTES);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large') {
      return sendRpcError(res, 413, ErrorCode.ConnectionClosed, `Payload too large: at most ${MAX_BODY_BYTES} bytes`, { Connection: 'close' });
    }
    let message: unknown;
    try {
      message = JSON.parse(body.text);
    } catch {
      return sendRpcError(res, 400, ErrorCode.ParseError, 'Parse error: Invalid JSON');
    }
    await serveMcp(req, res, message);
  }

  const server = createNodeServer((req, res) => {
    const started = performance.now();
    res.on('close', () => log.debug(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)} ms`));
    handle(req, res).catch((error: unknown) => {
      log.error(`http: ${(error as Error)?.stack ?? String(error)}`);
      if (res.headersSent) res.destroy();
      else sendRpcError(res, 500, ErrorCode.InternalError, 'Internal server error');
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(options.host)}:${port}${MCP_PATH}`;
  log.info(`listening on ${url} (${http.token === null ? 'no token' : 'bearer token required'}; allowed hosts ${policy.allowedHosts.join(', ')})`);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight.size > 0) {
      log.info(`shutting down: waiting up to ${http.shutdownGraceMs} ms for ${inFlight.size} request(s)`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (whenIdle = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, http.shutdownGraceMs))),
      ]);
      clearTimeout(timer);
    }
    if (inFlight.size > 0) log.info(`shutting down: cancelling ${inFlight.size} request(s) still running`);
    const reason = `dbs-backup-mcp is shutting down; the call was cancelled after ${http.shutdownGraceMs} ms: call again`;
    await Promise.all(
      [...inFlight].map(async (call) => {
        // An answer first, so the client hears why; then close, which aborts the handler's work.
        for (const id of call.requestIds) {
          await call.transport.send({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: reason } }).catch(() => undefined);
        }
        await call.server.close().catch(() => undefined);
      }),
    );
    server.closeAllConnections();
    await closed;
  };
  return {
    url,
    close: () => (closing ??= close()),
  };
}
