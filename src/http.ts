/**
 * MCP over Streamable HTTP, stateless: every POST /mcp gets its own McpServer and transport and
 * nothing outlives the request, so any replica behind a load balancer can answer any request.
 * Checks run before the body is read: path, declared size, Host and Origin (DNS rebinding), bearer
 * token, method. A refused request gets `Connection: close`, so its body is never read.
 * Connections are bounded: in number (overall and per address), in the time to send a request
 * head, and in how long they may sit idle between requests.
 */
import { createServer as createNodeServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isJSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { HttpConfig } from './config.js';
import { createRequestPolicy, listenRefusal, type RequestPolicy } from './http-policy.js';
import { createServer } from './server.js';
import type { ToolContext } from './tools/context.js';
import { waitLoad } from './tools/wait-for-backup-set-download-task/gate.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';
// 64 KiB: the largest valid tools/call here is under 1 KiB, an initialize a few KiB.
const MAX_BODY_BYTES = 64 * 1024;
// Time to send a body once the head is in: 64 KiB takes milliseconds on any link.
const BODY_TIMEOUT_MS = 20_000;
// At most one line a minute about refused connections: a flood must not become a flood of log lines.
const REFUSAL_LOG_INTERVAL_MS = 60_000;

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

/** The request path for the access log: a query (which may carry a token) is never written. */
function loggedPath(url: string | undefined): string {
  const [path = '/', query] = (url ?? '/').split('?', 2);
  return query === undefined ? path : `${path}?***`;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Logs the first message at once and then at most one line per interval, counting the ones left out. */
function rateLimitedLog(log: ToolContext['log'], intervalMs: number): (message: string) => void {
  let last = -Infinity;
  let skipped = 0;
  return (message) => {
    const now = performance.now();
    if (now - last < intervalMs) {
      skipped += 1;
      return;
    }
    last = now;
    log.warning(skipped === 0 ? message : `${message} (and ${skipped} more like it since the last such line)`);
    skipped = 0;
  };
}

/** Closes connections past the overall and per-address caps at once, before a byte is read. */
function limitConnections(server: NodeHttpServer, http: HttpConfig, report: (message: string) => void): void {
  let open = 0;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = perAddress.get(address) ?? 0;
    if (open >= http.maxConnections || fromAddress >= http.maxConnectionsPerAddress) {
      const which =
        open >= http.maxConnections
          ? `${http.maxConnections} open overall (DBS_MCP_HTTP_MAX_CONNECTIONS)`
          : `${http.maxConnectionsPerAddress} open from this address (DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS)`;
      report(`refused a connection from ${address}: ${which}`);
      socket.destroy();
      return;
    }
    open += 1;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      open -= 1;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
}

/** What the gate, the serving and the draining share: the calls being served and whether the server is stopping. */
interface ServerState {
  readonly inFlight: Set<InFlight>;
  draining: boolean;
  whenIdle: (() => void) | undefined;
}

interface Gate {
  context: ToolContext;
  policy: RequestPolicy;
  state: ServerState;
  /** Refusals are logged at most once a minute each (the first at once, then a count). */
  refusalLog: (message: string) => void;
}

function refuse(gate: Gate, req: IncomingMessage, res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  gate.refusalLog(`refused ${req.method} ${MCP_PATH} from ${req.socket.remoteAddress}: ${message}`);
  // Closing instead of reading the body to its end: an unauthenticated client must not make us read gigabytes.
  sendRpcError(res, status, ErrorCode.ConnectionClosed, message, { ...headers, Connection: 'close' });
}

/**
 * Answers everything that is not an MCP call to serve, from the request head alone: health probes,
 * other paths, oversized bodies, foreign Host or Origin, a missing token, other methods, draining.
 * Returns true when the request may go on to have its body read.
 */
function admit(gate: Gate, req: IncomingMessage, res: ServerResponse): boolean {
  const { context, policy, state } = gate;
  const path = (req.url ?? '/').split('?')[0];
  if (path === HEALTH_PATH) {
    // Unauthenticated and Host-agnostic: load balancers probe by address, and it tells nothing.
    if (req.method !== 'GET' && req.method !== 'HEAD') sendJson(res, 405, { status: 'method not allowed' }, { Allow: 'GET, HEAD', Connection: 'close' });
    else {
      const status = state.draining ? 'shutting down' : context.client.busy?.() ? 'busy' : 'ok';
      // Other calls are still served while every wait place is taken: ok, but a new wait would get Busy.
      const waits = waitLoad(context.client);
      const full = waits !== null && waits.active >= waits.max;
      sendJson(res, status === 'ok' ? 200 : 503, full ? { status, waits: 'full' } : { status });
    }
    return false;
  }
  if (path !== MCP_PATH) sendRpcError(res, 404, ErrorCode.ConnectionClosed, `Not found: the MCP endpoint is ${MCP_PATH}`, { Connection: 'close' });
  else if (Number(req.headers['content-length']) > MAX_BODY_BYTES) refuse(gate, req, res, 413, `Payload too large: at most ${MAX_BODY_BYTES} bytes`);
  else if (!policy.hostAllowed(req.headers.host)) {
    refuse(gate, req, res, 403, `Forbidden: Host ${JSON.stringify(req.headers.host ?? '')} is not allowed (DBS_MCP_ALLOWED_HOSTS)`);
  } else if (!policy.originAllowed(req.headers.origin)) {
    refuse(gate, req, res, 403, `Forbidden: Origin ${JSON.stringify(req.headers.origin)} is not allowed (DBS_MCP_ALLOWED_ORIGINS)`);
  } else if (!policy.authorized(req.headers.authorization)) {
    const problem = req.headers.authorization === undefined ? 'missing' : 'wrong';
    refuse(gate, req, res, 401, `Unauthorized: ${problem} bearer token`, { 'WWW-Authenticate': 'Bearer realm="dbs-backup-mcp"' });
  } else if (req.method !== 'POST') {
    // Stateless: no session stream to GET, no session to DELETE.
    sendRpcError(res, 405, ErrorCode.ConnectionClosed, 'Method not allowed.', { Allow: 'POST' });
  } else if (state.draining) {
    sendRpcError(res, 503, ErrorCode.ConnectionClosed, 'Service unavailable: shutting down', { Connection: 'close', 'Retry-After': '1' });
  } else return true;
  return false;
}

/** One call on its own McpServer and transport, tracked until its response closes. */
async function serveMcp(context: ToolContext, state: ServerState, req: IncomingMessage, res: ServerResponse, message: unknown): Promise<void> {
  // No MCP tasks: this server and its memory end with the request.
  const server = createServer(context);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const call: InFlight = { server, transport, requestIds: requestIdsOf(message) };
  state.inFlight.add(call);
  res.on('close', () => {
    state.inFlight.delete(call);
    // Also aborts a handler still running for a client that has gone away.
    void server.close().catch(() => undefined);
    if (state.inFlight.size === 0) state.whenIdle?.();
  });
  server.server.onerror = (error) => context.log.debug(`mcp over http: ${error.message}`);
  await server.connect(transport);
  await transport.handleRequest(req, res, message);
}

async function handle(gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!admit(gate, req, res)) return;
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
  await serveMcp(gate.context, gate.state, req, res, message);
}

/**
 * A connection that never sends a byte must not keep its slot (overall and per address) for good,
 * whether or not this Node's own head timeout covers it: it is closed once its head is overdue, with
 * the answer Node gives to a head that comes too late.
 */
function closeSilentConnections(server: NodeHttpServer, headersTimeoutMs: number): void {
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead !== 0) return;
      if (socket.writable) socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      socket.destroy();
    }, headersTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

function createBoundedServer(http: HttpConfig, gate: Gate): NodeHttpServer {
  const { log } = gate.context;
  const server = createNodeServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.headersTimeoutMs + BODY_TIMEOUT_MS,
      keepAliveTimeout: http.idleTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default): a fraction of the shorter one.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(http.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const started = performance.now();
      res.on('close', () => {
        const durationMs = Math.round(performance.now() - started);
        log.debug(`${req.method} ${loggedPath(req.url)} ${res.statusCode} ${durationMs} ms`, { status: res.statusCode, durationMs });
      });
      handle(gate, req, res).catch((error: unknown) => {
        log.error(`http: ${(error as Error)?.stack ?? String(error)}`);
        if (res.headersSent) res.destroy();
        else sendRpcError(res, 500, ErrorCode.InternalError, 'Internal server error');
      });
    },
  );
  limitConnections(server, http, rateLimitedLog(log, REFUSAL_LOG_INTERVAL_MS));
  closeSilentConnections(server, http.headersTimeoutMs);
  return server;
}

/**
 * Stops accepting, waits up to the grace period for the calls in flight, then answers the rest with
 * an error and closes their servers, which aborts their work.
 */
async function drain(server: NodeHttpServer, state: ServerState, http: HttpConfig, log: ToolContext['log']): Promise<void> {
  state.draining = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (state.inFlight.size > 0) {
    log.info(`shutting down: waiting up to ${http.shutdownGraceMs} ms for ${state.inFlight.size} request(s)`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (state.whenIdle = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, http.shutdownGraceMs))),
    ]);
    clearTimeout(timer);
  }
  if (state.inFlight.size > 0) log.info(`shutting down: cancelling ${state.inFlight.size} request(s) still running`);
  const reason = `dbs-backup-mcp is shutting down; the call was cancelled after ${http.shutdownGraceMs} ms: call again`;
  await Promise.all(
    [...state.inFlight].map(async (call) => {
      // An answer first, so the client hears why; then close, which aborts the handler's work.
      for (const id of call.requestIds) {
        await call.transport.send({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: reason } }).catch(() => undefined);
      }
      await call.server.close().catch(() => undefined);
    }),
  );
  server.closeAllConnections();
  await closed;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { http, context } = options;
  const { log } = context;
  const refusal = listenRefusal(options.host, http.token);
  if (refusal !== null) throw new ListenRefusedError(refusal);

  const policy = createRequestPolicy({ listenHost: options.host, ...http });
  const state: ServerState = { inFlight: new Set(), draining: false, whenIdle: undefined };
  const server = createBoundedServer(http, { context, policy, state, refusalLog: rateLimitedLog(log, REFUSAL_LOG_INTERVAL_MS) });

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
  return {
    url,
    close: () => (closing ??= drain(server, state, http, log)),
  };
}
