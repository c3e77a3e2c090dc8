/**
 * The stdin the stdio transport reads: whole lines only, none longer than `maxLineBytes`, and no more
 * while the server is overloaded. The SDK's
 * transport closes itself (and so ends the server, silently) when a message outgrows its buffer;
 * here an oversized line is dropped as it streams in, answered with a JSON-RPC error when its id
 * can be read from its end, and logged, and the lines after it are served as usual.
 */
import { Transform, type TransformCallback } from 'node:stream';

export interface StdinGateOptions {
  maxLineBytes: number;
  /**
   * True while the server has more work queued than it should take on: reading pauses (and the
   * pipe fills, so the client waits to write) until it turns false, so a burst costs no memory.
   */
  overloaded?: () => boolean;
  /** Called once per dropped line with its size and, when it could be read, its JSON-RPC id. */
  onOversized(bytes: number, id: string | number | undefined): void;
}

const NEWLINE = 0x0a;
// The id is read from either end of the line: some clients write it first ({"jsonrpc":"2.0","id":7,...}),
// others last ({"method":...,"jsonrpc":"2.0","id":7}). Both patterns run over 256 bytes at most.
const EDGE_BYTES = 256;
const ID_VALUE = '(-?\\d{1,15}|"[^"\\\\]{0,100}")';
const LEADING_ID = new RegExp(`^\\s*\\{(?:\\s*"(?:jsonrpc|method)"\\s*:\\s*"[^"\\\\]{0,100}"\\s*,)*\\s*"id"\\s*:\\s*${ID_VALUE}`);
const TRAILING_ID = new RegExp(`"id"\\s*:\\s*${ID_VALUE}\\s*\\}\\s*$`);

function idOf(head: string, tail: string): string | number | undefined {
  const match = LEADING_ID.exec(head) ?? TRAILING_ID.exec(tail);
  if (!match) return undefined;
  const raw = match[1]!;
  return raw.startsWith('"') ? raw.slice(1, -1) : Number(raw);
}

export function createStdinGate(options: StdinGateOptions): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropping = false;
  let droppedBytes = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);

  const keepTail = (chunk: Buffer): void => {
    tail = Buffer.concat([tail, chunk]).subarray(-EDGE_BYTES);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, start);
        const end = newline === -1 ? chunk.length : newline;
        const piece = chunk.subarray(start, end);
        if (!dropping && pendingBytes + piece.length > options.maxLineBytes) {
          dropping = true;
          droppedBytes = pendingBytes;
          head = Buffer.concat([...pending, piece]).subarray(0, EDGE_BYTES);
          for (const part of pending) keepTail(part);
          pending = [];
          pendingBytes = 0;
        }
        if (dropping) {
          droppedBytes += piece.length;
          keepTail(piece);
        } else {
          pending.push(piece);
          pendingBytes += piece.length;
        }
        if (newline === -1) break;
        if (dropping) {
          options.onOversized(droppedBytes, idOf(head.toString('utf8'), tail.toString('utf8')));
          dropping = false;
          droppedBytes = 0;
          head = Buffer.alloc(0);
          tail = Buffer.alloc(0);
        } else {
          pending.push(Buffer.from('\n'));
          this.push(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
        start = newline + 1;
      }
      if (!options.overloaded?.()) return callback();
      // Polled, not signalled: it only runs under load, and a missed signal could never stall the input.
      const poll = setInterval(() => {
        if (options.overloaded?.()) return;
        clearInterval(poll);
        callback();
      }, 10);
    },
  });
}
