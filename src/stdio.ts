/** The stdio transport, with each message written to stdout as UTF-8 bytes encoded here. */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

const encoder = new TextEncoder();

const hasToJSON = (value: unknown): boolean =>
  ((typeof value === 'object' && value !== null) || typeof value === 'bigint') && typeof (value as { toJSON?: unknown }).toJSON === 'function';

/**
 * The JSON text of `value` as parts whose concatenation is JSON.stringify(value): plain objects
 * down to `depth` levels are written here key by key, what is below them by JSON.stringify. False
 * when the value or a member has its own toJSON, which JSON.stringify would call with the member's
 * key: the caller stringifies the whole value instead.
 */
function jsonParts(value: unknown, depth: number, parts: string[]): boolean {
  if (hasToJSON(value)) return false;
  const proto = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (depth === 0 || (proto !== Object.prototype && proto !== null)) {
    parts.push(JSON.stringify(value));
    return true;
  }
  parts.push('{');
  let separator = '';
  for (const key of Object.keys(value as object)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    parts.push(`${separator}${JSON.stringify(key)}:`);
    separator = ',';
    if (!jsonParts(item, depth - 1, parts)) return false;
  }
  parts.push('}');
  return true;
}

/**
 * A message as one line of UTF-8, the bytes the SDK's transport writes. Given a string, stdout
 * encodes it with V8's UTF-8 writer, which is slow once the JSON holds a single non-ASCII character
 * (a Chinese task name makes the whole string two-byte). TextEncoder is faster, and the members of
 * the result (the text block, structuredContent) are stringified and encoded one by one: encoding
 * first joins the pieces JSON.stringify built a long text from, and for a whole 70 KB message that
 * is two-byte the joined string (140 KB) is a large object V8 maps and unmaps every call: 0.6-0.7 ms
 * for a message by members against 0.8 ms whole. Room is made for some multi-byte characters; a line
 * that needs more is encoded again at full size.
 */
export function messageLine(message: JSONRPCMessage): Buffer {
  let parts: string[] = [];
  if (!jsonParts(message, 2, parts)) parts = [JSON.stringify(message)];
  let length = 0;
  for (const part of parts) length += part.length;
  const bytes = Buffer.allocUnsafe(length + (length >> 3) + 1);
  let at = 0;
  for (const part of parts) {
    const { read, written } = encoder.encodeInto(part, at === 0 ? bytes : bytes.subarray(at));
    if (read < part.length) return Buffer.from(`${parts.join('')}\n`, 'utf8');
    at += written;
  }
  if (at >= bytes.length) return Buffer.from(`${parts.join('')}\n`, 'utf8');
  bytes[at] = 0x0a;
  return bytes.subarray(0, at + 1);
}

export class Utf8StdioServerTransport extends StdioServerTransport {
  private readonly out: Writable;

  constructor(stdin: Readable = process.stdin, stdout: Writable = process.stdout) {
    super(stdin, stdout);
    this.out = stdout;
  }

  override send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.out.write(messageLine(message))) resolve();
      else this.out.once('drain', () => resolve());
    });
  }
}
