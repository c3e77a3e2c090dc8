import { describe, expect, it } from 'vitest';
import { createStdinGate } from '../../src/stdio-input.js';

async function run(chunks: string[], maxLineBytes: number) {
  const dropped: { bytes: number; id: string | number | undefined }[] = [];
  const gate = createStdinGate({ maxLineBytes, onOversized: (bytes, id) => dropped.push({ bytes, id }) });
  const lines: string[] = [];
  gate.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  for (const chunk of chunks) gate.write(Buffer.from(chunk));
  gate.end();
  await new Promise((resolve) => gate.on('end', resolve));
  return { lines, dropped };
}

describe('createStdinGate', () => {
  it('passes whole lines through, however they are split', async () => {
    const { lines, dropped } = await run(['{"a":1}\n{"b"', ':2}\n\n{"c":3}', '\n'], 100);
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n', '\n', '{"c":3}\n']);
    expect(dropped).toEqual([]);
  });

  it('drops an oversized line, reports its size and id, and passes the next one', async () => {
    const big = `{"method":"tools/call","params":{"x":"${'y'.repeat(500)}"},"jsonrpc":"2.0","id":42}`;
    const { lines, dropped } = await run(['{"a":1}\n', big.slice(0, 200), big.slice(200), '\n{"b":2}\n'], 100);
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
    expect(dropped).toEqual([{ bytes: big.length, id: 42 }]);
  });

  it('reads the id from either end of the line, and none when neither end has it', async () => {
    const { dropped } = await run(
      [
        `{"x":"${'z'.repeat(300)}","id":"abc-1"}\n`,
        `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"x":"${'z'.repeat(300)}"}}\n`,
        `{"id":"first","x":"${'z'.repeat(300)}"}\n`,
        `{"params":{"id":1},"x":"${'z'.repeat(300)}"}\n`,
      ],
      100,
    );
    expect(dropped.map((d) => d.id)).toEqual(['abc-1', 5, 'first', undefined]);
  });
});
