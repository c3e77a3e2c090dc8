/**
 * The built server over Streamable HTTP under abuse, with real sockets: refused requests are not
 * read, idle and slow connections are closed, connections are capped, a closed stderr costs
 * nothing, and after each a normal call still works.
 */
import { waitGateOf } from '../../src/tools/wait-for-backup-set-download-task/gate.js';
import { connect, type Socket } from 'node:net';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHttpConfig, type Config } from '../../src/config.js';
import { startHttpServer } from '../../src/http.js';
import { createLogger } from '../../src/log.js';
import { makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';
import { fakeClient } from '../helpers/fake-client.js';
import { connectClient, rawRequest, spawnHttpServer, type HttpServerProcess } from '../helpers/http.js';
import { coreShare } from '../helpers/process-usage.js';
import { simulatorEnv } from '../helpers/stdio.js';

const PLAN = 'dbs1httpabuse1';
const TOKEN = 'abuse-token-3e8d1c7f0a9b4d2e6f5a8c1b0d3e7f9a';
let sim: Simulator;
let server: HttpServerProcess;

beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: makeTasks({ planId: PLAN, count: 30, seed: 8 }) } });
  server = await spawnHttpServer(
    simulatorEnv(sim, {
      DBS_MCP_HTTP_TOKEN: TOKEN,
      DBS_MCP_HTTP_HEADERS_TIMEOUT_MS: '500',
      DBS_MCP_HTTP_IDLE_TIMEOUT_MS: '500',
      DBS_MCP_HTTP_MAX_CONNECTIONS: '40',
      DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '20',
    }),
  );
});

afterAll(async () => {
  await server?.stop();
  await sim?.close();
});

async function expectNormalCallWorks(): Promise<void> {
  const client = await connectClient(server.url, TOKEN);
  try {
    const result = (await client.callTool({ name: 'list_backup_set_download_tasks', arguments: { backupPlanId: PLAN } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
  } finally {
    await client.close();
  }
  expect((await rawRequest(`http://127.0.0.1:${server.port}/healthz`, { method: 'GET' })).status).toBe(200);
}

/** A raw connection; resolves once connected, with what it received and when it closed. */
async function open(options: { localAddress?: string } = {}, port = server.port): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const started = performance.now();
  const socket = connect({ host: '127.0.0.1', port, ...options });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => received, closed };
}

/** Writes `chunk` as fast as the socket takes it until the server closes it; returns the bytes written. */
async function writeUntilClosed(socket: Socket, chunk: Buffer, limitBytes: number): Promise<number> {
  let written = 0;
  while (!socket.destroyed && written < limitBytes) {
    const ok = socket.write(chunk);
    written += chunk.length;
    if (!ok) await new Promise((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
  }
  return written;
}

describe('refused requests are not read', () => {
  const chunked = (headers: string) =>
    `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${headers}Transfer-Encoding: chunked\r\n\r\n`;
  const bodyChunk = Buffer.from(`10000\r\n${'x'.repeat(0x10000)}\r\n`);
  // What the kernel buffers on both sides, not the 512 MB offered. A client still writing when the
  // server closes may get a reset instead of the answer: that is the price of not reading its body.
  const READ_AT_MOST = 64 * 1024 * 1024;

  it('answers 401 with Connection: close and closes the connection', async () => {
    const { socket, received, closed } = await open();
    socket.write(`${chunked('')}10\r\n{"jsonrpc":"2.0"}\r\n`);
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(received()).toMatch(/\r\nConnection: close\r\n/i);
    await expectNormalCallWorks();
  });

  it('stops reading the streamed body of an unauthenticated request', async () => {
    const { socket, closed } = await open();
    socket.write(chunked(''));
    expect(await writeUntilClosed(socket, bodyChunk, 512 * 1024 * 1024)).toBeLessThan(READ_AT_MOST);
    await closed;
    await expectNormalCallWorks();
  });

  it('refuses a declared body over the cap before authentication, and does not read it', async () => {
    const quiet = await open();
    quiet.socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 4000000000\r\n\r\n`);
    await quiet.closed;
    expect(quiet.received()).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n(.*\r\n)*Connection: close\r\n/i);

    const streaming = await open();
    streaming.socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 4000000000\r\n\r\n`);
    expect(await writeUntilClosed(streaming.socket, Buffer.alloc(0x10000, 0x20), 512 * 1024 * 1024)).toBeLessThan(READ_AT_MOST);
    await streaming.closed;
    await expectNormalCallWorks();
  });

  it.each(['/elsewhere', '/healthz'])('does not read the body of a POST to %s either', async (path) => {
    const { socket, received, closed } = await open();
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 2\r\n\r\n{}`);
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 40[45] .*\r\n(.*\r\n)*Connection: close\r\n/i);
  });

  it('stops reading an authenticated body past the cap', async () => {
    const { socket, closed } = await open();
    socket.write(chunked(`Authorization: Bearer ${TOKEN}\r\n`));
    expect(await writeUntilClosed(socket, bodyChunk, 512 * 1024 * 1024)).toBeLessThan(READ_AT_MOST);
    await closed;
    expect(server.stderr()).not.toMatch(/uncaught|unhandled/);
    await expectNormalCallWorks();
  });
});

describe('slow and idle connections', () => {
  it('closes a connection that sends nothing, and one that sends its head too slowly', async () => {
    const silent = await open();
    const slow = await open();
    slow.socket.write('POST /mcp HTTP/1.1\r\n');
    const drip = setInterval(() => slow.socket.write('X-A: b\r\n'), 100);
    const [silentMs, slowMs] = await Promise.all([silent.closed, slow.closed]);
    clearInterval(drip);
    // 500 ms to send a head, checked every 125 ms.
    expect(silentMs).toBeLessThan(2_000);
    expect(slowMs).toBeLessThan(2_000);
    await expectNormalCallWorks();
  });

  it('closes connections that never send a byte within the headers timeout, which frees their address', async () => {
    // A server of its own: the slots of this address must be held by silent connections alone.
    const own = await spawnHttpServer(
      simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: TOKEN, DBS_MCP_HTTP_HEADERS_TIMEOUT_MS: '500', DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '8' }),
    );
    try {
      const openOwn = () => open({}, own.port);
      const silent = await Promise.all(Array.from({ length: 8 }, openOwn));
      const overCap = await openOwn();
      expect(await overCap.closed).toBeLessThan(300);
      const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 3_000));
      const closedAfter = await Promise.all(silent.map((c) => Promise.race([c.closed, stillOpen])));
      for (const ms of closedAfter) {
        expect(ms).toBeGreaterThanOrEqual(400);
        expect(ms).toBeLessThan(1_500);
      }
      for (const c of silent) expect(c.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect((await rawRequest(`http://127.0.0.1:${own.port}/healthz`, { method: 'GET' })).status).toBe(200);
    } finally {
      await own.stop();
    }
  });

  it('closes an idle keep-alive connection soon after its last answer', async () => {
    const { socket, received, closed } = await open();
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    const ms = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received()).toMatch(/\r\nKeep-Alive: timeout=0\r\n|\r\nConnection: keep-alive\r\n/i);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('connection caps', () => {
  it('closes connections past the per-address and overall caps at once, logs that rate-limited, and recovers', async () => {
    const linesBefore = server
      .stderr()
      .split('\n')
      .filter((line) => line.includes('refused a connection')).length;
    const first = await Promise.all(Array.from({ length: 30 }, () => open()));
    // A second loopback address (Linux routes all of 127/8 to lo) for the overall cap.
    const second = await Promise.all(Array.from({ length: 30 }, () => open({ localAddress: '127.0.0.2' })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const alive = (group: typeof first) => group.filter((c) => !c.socket.destroyed).length;
    expect(alive(first)).toBe(20);
    expect(alive(second)).toBe(20);
    const refusalLines = server
      .stderr()
      .split('\n')
      .filter((line) => line.includes('refused a connection'));
    expect(refusalLines.length - linesBefore).toBe(1);
    expect(refusalLines.at(-1)).toMatch(/refused a connection from 127\.0\.0\.1: 20 open from this address \(DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS\)/);
    for (const c of [...first, ...second]) c.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expectNormalCallWorks();
  });

  it('stays idle after a flood of connections that send nothing', async () => {
    const flood = await Promise.all(Array.from({ length: 300 }, () => open().catch(() => undefined)));
    expect(await coreShare(server.child.pid!, 1_000)).toBeLessThan(0.25);
    await Promise.all(flood.map((c) => c?.closed));
    await expectNormalCallWorks();
  });
});

describe('a closed stderr in HTTP mode', () => {
  it('drops the "refused" log lines instead of spinning, and /healthz and calls still work', async () => {
    const own = await spawnHttpServer(simulatorEnv(sim, { DBS_MCP_HTTP_TOKEN: TOKEN, DBS_MCP_LOG_LEVEL: 'debug' }));
    try {
      own.child.stderr!.destroy();
      for (let i = 0; i < 5; i++) expect((await rawRequest(own.url, { headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
      expect(await coreShare(own.child.pid!, 1_500)).toBeLessThan(0.25);
      expect((await rawRequest(`http://127.0.0.1:${own.port}/healthz`, { method: 'GET' })).status).toBe(200);
      const client = await connectClient(own.url, TOKEN);
      const result = (await client.callTool({ name: 'list_backup_set_download_tasks', arguments: { backupPlanId: PLAN } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      await client.close();
    } finally {
      await own.stop();
    }
  });
});

describe('/healthz', () => {
  it('answers 503 "busy" while the DBS request queue is full', async () => {
    let busy = true;
    const client = { ...fakeClient([]), busy: () => busy };
    const config: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 1 };
    const running = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      http: readHttpConfig({}),
      context: { config, client, log: createLogger({ write: () => undefined }) },
    });
    try {
      const health = running.url.replace(/\/mcp$/, '/healthz');
      expect(await rawRequest(health, { method: 'GET' })).toMatchObject({ status: 503, body: '{"status":"busy"}' });
      busy = false;
      expect(await rawRequest(health, { method: 'GET' })).toMatchObject({ status: 200, body: '{"status":"ok"}' });
      // Every wait place taken: other calls are still served, a new wait would get Busy.
      const leave = waitGateOf(client, 1).enter(undefined);
      expect(await rawRequest(health, { method: 'GET' })).toMatchObject({ status: 200, body: '{"status":"ok","waits":"full"}' });
      leave();
      expect(await rawRequest(health, { method: 'GET' })).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    } finally {
      await running.close();
    }
  });
});
