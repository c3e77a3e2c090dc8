import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SERVER_PATH } from './stdio.js';

export interface RawStdioServer {
  child: ChildProcessWithoutNullStreams;
  /** Every JSON-RPC message the server wrote, in order. */
  messages: Record<string, unknown>[];
  stderr(): string;
  send(message: unknown): void;
  /** Resolves with the response to `id`. */
  response(id: number | string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends initialize and initialized. */
  initialize(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The built server over stdio without an SDK client: for what a client library would not send. */
export function spawnRawStdio(env: Record<string, string>): RawStdioServer {
  const child = spawn(process.execPath, [SERVER_PATH], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: Record<string, unknown>[] = [];
  const waiting = new Map<number | string, (message: Record<string, unknown>) => void>();
  let buffered = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const message = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
      buffered = buffered.slice(newline + 1);
      messages.push(message);
      const id = message.id as number | string | undefined;
      if (id !== undefined) waiting.get(id)?.(message);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const server: RawStdioServer = {
    child,
    messages,
    stderr: () => stderr,
    send: (message) => void child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
    response(id, timeoutMs = 15_000) {
      const found = messages.find((m) => m.id === id);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response to ${id} within ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`)), timeoutMs);
        waiting.set(id, (message) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(message);
        });
      });
    },
    async initialize() {
      server.send({
        jsonrpc: '2.0',
        id: 'init',
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
      });
      await server.response('init');
      server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    },
    exited,
  };
  return server;
}

export function toolCall(id: number | string, args: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'list_backup_set_download_tasks', arguments: args } };
}
