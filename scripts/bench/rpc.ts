/**
 * A raw JSON-RPC client over a child's stdio, without the SDK, so the client costs the same little for
 * every server measured.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export interface RpcProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** performance.now() just before spawn(). */
  readonly spawnedAt: number;
  /** Sends a request; resolves with its answer and the time the answer's line was read. */
  request(method: string, params?: Record<string, unknown>): Promise<{ message: RpcMessage; at: number }>;
  notify(method: string, params?: Record<string, unknown>): void;
  /** Called for every notification from the server. */
  onNotification: ((message: RpcMessage) => void) | undefined;
  stderr(): string;
  /** Closes stdin and waits for the exit; kills after 2 s. */
  close(): Promise<number | null>;
}

export const PROTOCOL_VERSION = '2025-06-18';

export function spawnRpc(command: string, args: string[], env: Record<string, string>): RpcProcess {
  const spawnedAt = performance.now();
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting = new Map<number, (value: { message: RpcMessage; at: number }) => void>();
  const failures = new Map<number, (error: Error) => void>();
  let nextId = 1;
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const rpc: RpcProcess = {
    child,
    pid: child.pid ?? -1,
    spawnedAt,
    onNotification: undefined,
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, resolve);
        failures.set(id, reject);
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    },
    notify(method, params) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
    },
    stderr: () => stderr,
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  // An answer's time is when its last byte arrived, before this driver decodes or parses it.
  let partial: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    let start = 0;
    for (let end = chunk.indexOf(10); end >= 0; end = chunk.indexOf(10, start)) {
      const line = Buffer.concat([...partial, chunk.subarray(start, end)]).toString('utf8');
      partial = [];
      start = end + 1;
      if (line.trim() !== '') dispatch(JSON.parse(line) as RpcMessage, at);
    }
    if (start < chunk.length) partial.push(chunk.subarray(start));
  });
  const dispatch = (message: RpcMessage, at: number): void => {
    if (message.id !== undefined && message.method === undefined) {
      waiting.get(message.id)?.({ message, at });
      waiting.delete(message.id);
      failures.delete(message.id);
    } else if (message.id === undefined) {
      rpc.onNotification?.(message);
    }
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.once('exit', (code) => {
    for (const fail of failures.values()) fail(new Error(`server exited (${code}) before answering; stderr: ${stderr.slice(-500)}`));
    waiting.clear();
    failures.clear();
  });
  return rpc;
}

/** The handshake a host makes: initialize, wait for its answer, then initialized. */
export async function initialize(rpc: RpcProcess): Promise<{ message: RpcMessage; at: number }> {
  const answer = await rpc.request('initialize', {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'dbs-backup-mcp-bench', version: '1.0.0' },
  });
  if (answer.message.error) throw new Error(`initialize failed: ${answer.message.error.message}`);
  rpc.notify('notifications/initialized');
  return answer;
}

/** CPU time a process has used so far (user + system), in ms, from /proc (Linux). */
export async function cpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in USER_HZ (100/s).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's resident set from /proc (Linux), in bytes: now, and its peak since start. */
export interface Rss {
  total: number;
  peak: number;
}

export async function rss(pid: number): Promise<Rss> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const kb = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(status)?.[1];
    if (kb === undefined) throw new Error(`no ${name} for process ${pid}`);
    return Number(kb) * 1024;
  };
  return { total: field('VmRSS'), peak: field('VmHWM') };
}
