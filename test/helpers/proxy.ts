/**
 * A local HTTP proxy for tests: CONNECT tunnels (for https:// targets) and absolute-URI forwarding
 * (for http:// targets), with optional Basic auth. It resolves nothing: `routes` maps each
 * `host:port` a test allows to a port on 127.0.0.1, and every other target is refused with 502, so
 * no DNS lookup and no connection leaves the machine.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface ProxyRequestRecord {
  /** `CONNECT` or the forwarded method. */
  method: string;
  /** `host:port` asked for. */
  target: string;
  /** The Proxy-Authorization header as received, if any. */
  proxyAuthorization: string | undefined;
  /** What the proxy answered: 200 for a tunnel opened, 407, 502, or 0 while it holds the CONNECT. */
  status: number;
}

export interface TestProxy {
  /** `http://127.0.0.1:port` (`https://localhost:port` with `tls`), without credentials. */
  readonly url: string;
  readonly port: number;
  readonly requests: ProxyRequestRecord[];
  /** Sockets from clients that are open right now. */
  openClientSockets(): number;
  /** Hold every CONNECT without an answer (a proxy that hangs). */
  setHang(hang: boolean): void;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** `host:port` -> port on 127.0.0.1. */
  routes: Record<string, number>;
  /** Demand Basic auth with this user and password (407 otherwise). */
  auth?: { user: string; password: string };
  /** Speak TLS to clients, with this certificate (for localhost) and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const requests: ProxyRequestRecord[] = [];
  const clientSockets = new Set<Socket>();
  const upstreamSockets = new Set<Socket>();
  let hang = false;
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}` : undefined;

  const authorised = (req: IncomingMessage): boolean => expected === undefined || req.headers['proxy-authorization'] === expected;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Forwarding: the request line carries the absolute URL of an http:// target.
    const url = URL.canParse(req.url ?? '') ? new URL(req.url!) : null;
    const target = url ? `${url.hostname}:${url.port || 80}` : '';
    const record: ProxyRequestRecord = { method: req.method ?? '', target, proxyAuthorization: req.headers['proxy-authorization'], status: 0 };
    requests.push(record);
    if (!authorised(req)) {
      record.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', 'content-type': 'text/plain' });
      res.end('proxy authentication required');
      return;
    }
    const port = options.routes[target];
    if (url === null || port === undefined) {
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('no route');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      record.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const record: ProxyRequestRecord = { method: 'CONNECT', target, proxyAuthorization: req.headers['proxy-authorization'], status: 0 };
    requests.push(record);
    client.on('error', () => undefined);
    // The server keeps half-open sockets: close this side when the client closes its side, as a real proxy does.
    client.once('end', () => client.destroy());
    if (hang) return;
    if (!authorised(req)) {
      record.status = 407;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const port = options.routes[target];
    if (port === undefined) {
      record.status = 502;
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstreamSockets.add(upstream);
    upstream.once('close', () => {
      upstreamSockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });

  server.on('connection', (socket: Socket) => {
    clientSockets.add(socket);
    socket.once('close', () => clientSockets.delete(socket));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    requests,
    openClientSockets: () => clientSockets.size,
    setHang(value) {
      hang = value;
    },
    async close() {
      for (const socket of [...clientSockets, ...upstreamSockets]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` every 20 ms until it holds, or fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
