import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { SERVER_PATH } from './stdio.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HttpServerProcess {
  /** http://127.0.0.1:PORT/mcp, as the server printed it. */
  url: string;
  port: number;
  child: ChildProcess;
  stderr(): string;
  exited: Promise<Exit>;
  /** SIGTERM (unless it has exited already) and wait for the exit. */
  stop(): Promise<Exit>;
}

const LISTENING = /listening on (http:\/\/\S+?:(\d+)\/mcp)/;

/** Spawns the built server with `--http --port 0 ...args` and waits for the address it prints on stderr. */
export async function spawnHttpServer(env: Record<string, string>, args: string[] = []): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [SERVER_PATH, '--http', '--port', '0', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const address = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within 10 s; stderr:\n${stderr}`)), 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = LISTENING.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${JSON.stringify(exit)} before listening; stderr:\n${stderr}`));
    });
  });
  return {
    url: address[1]!,
    port: Number(address[2]),
    child,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Finished extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs the built server with these arguments until it exits on its own (start-up refusals, --help). */
export function runServer(env: Record<string, string>, args: string[], timeoutMs = 10_000): Promise<Finished> {
  const child = spawn(process.execPath, [SERVER_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
}

/** A real MCP client over Streamable HTTP, sending the token when given one. */
export async function connectClient(url: string, token?: string): Promise<Client> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: fetch does not let a caller set Host. */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
});

export const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** The JSON-RPC messages of an SSE response body. */
export function sseMessages(body: string): unknown[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);
}
