import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { messageLine, Utf8StdioServerTransport } from '../../src/stdio.js';

const result = (text: string): JSONRPCMessage => ({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text }] } });
const sdkBytes = (message: JSONRPCMessage): Buffer => Buffer.from(serializeMessage(message), 'utf8');

describe('messageLine', () => {
  it.each([
    ['ASCII only', 'plain text '.repeat(500)],
    ['a few Chinese names in a long text', `${'x'.repeat(5000)} 备份集下载 ${'y'.repeat(5000)}`],
    ['Chinese only (more bytes than the first guess)', '备份集下载任务'.repeat(2000)],
    ['emoji (surrogate pairs)', '🗄️ backup 📦'.repeat(300)],
    ['a lone surrogate', 'a\ud800b'],
    ['empty', ''],
  ])('writes the bytes the SDK writes: %s', (_name, text) => {
    const message = result(text);
    expect(messageLine(message).equals(sdkBytes(message))).toBe(true);
  });

  it('writes the bytes the SDK writes for any message', () => {
    const message = fc.record({
      jsonrpc: fc.constant('2.0' as const),
      id: fc.nat(),
      result: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()),
    }) as fc.Arbitrary<JSONRPCMessage>;
    fc.assert(
      fc.property(message, (m) => messageLine(m).equals(sdkBytes(m))),
      { numRuns: 300 },
    );
  });

  it('writes what JSON.stringify writes for values it leaves out, replaces or cannot write', () => {
    const result = {
      skipped: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      map: new Map([['a', 1]]),
      boxed: Object(7) as number,
      bare: Object.assign(Object.create(null) as object, { b: 2, c: undefined }),
      nested: { deep: { x: undefined, y: [undefined, () => 1, 3], at: new Date(0) }, name: '备份' },
      list: [1, 'two', null, new Date(0)],
      '': 'empty key',
      '"quoted"\n': 'key with quotes',
      '10': 'integer key first',
    };
    const plain = { jsonrpc: '2.0', id: 3, result } as unknown as JSONRPCMessage;
    expect(messageLine(plain).equals(sdkBytes(plain))).toBe(true);
    // A member with its own toJSON is called with its key.
    for (const member of [new Date(Date.UTC(2026, 10, 28)), { toJSON: (key: string) => `custom:${key}` }]) {
      const message = { jsonrpc: '2.0', id: 4, result: { ...result, member } } as unknown as JSONRPCMessage;
      expect(messageLine(message).equals(sdkBytes(message))).toBe(true);
    }
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', id: 5 };
    cyclic.result = { self: cyclic };
    expect(() => messageLine(cyclic as JSONRPCMessage)).toThrow(TypeError);
    expect(() => messageLine({ jsonrpc: '2.0', id: 6, result: { n: 1n } } as unknown as JSONRPCMessage)).toThrow(TypeError);
  });

  it('ends every message with one newline, and has no other', () => {
    const line = messageLine(result('line one\nline two'));
    expect(line.at(-1)).toBe(0x0a);
    expect(line.subarray(0, -1).includes(0x0a)).toBe(false);
  });
});

describe('Utf8StdioServerTransport', () => {
  it('sends each message as one line and reads messages from its input', async () => {
    const input = new PassThrough();
    const chunks: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const transport = new Utf8StdioServerTransport(input, output);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();

    await transport.send(result('任务 one'));
    await transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1, total: 2 } });
    input.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await new Promise((resolve) => setImmediate(resolve));

    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toEqual(result('任务 one'));
    expect(JSON.parse(lines[1]!).method).toBe('notifications/progress');
    expect(lines[2]).toBe('');
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    await transport.close();
  });

  it('waits for drain when the output is full', async () => {
    let release: (() => void) | undefined;
    const output = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        release = done;
      },
    });
    const transport = new Utf8StdioServerTransport(new PassThrough(), output);
    let sent = false;
    const sending = transport.send(result('x'.repeat(100))).then(() => {
      sent = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toBe(false);
    release?.();
    await sending;
    expect(sent).toBe(true);
  });
});
