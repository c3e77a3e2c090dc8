/**
 * What the built server loads before it can answer: dist/index.js and the chunks it imports
 * statically (the lazily loaded ones come with the first call). Every byte of it is read and
 * compiled at each start, so it has a budget, and zod's locales, once carried by accident, are
 * checked for by name.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const START_UP_BUDGET = 700 * 1024;

/** dist/index.js and every file it imports statically, transitively, with their text. */
function startUpFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string): void => {
    if (files.has(path)) return;
    const text = readFileSync(path, 'utf8');
    files.set(path, text);
    // Static imports only: `import ... from "./x.js"` or `import "./x.js"`, not `import("./x.js")`.
    for (const [, spec] of text.matchAll(/\bimport\s*(?:[\w${},*\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) visit(join(dirname(path), spec!));
  };
  visit(join(DIST, 'index.js'));
  return files;
}

describe('the code the server loads at start', () => {
  const files = startUpFiles();
  const names = [...files.keys()].map((f) => relative(DIST, f));

  it('is index.js and its shared chunk, not the lazily loaded client or HTTP code', () => {
    expect(names[0]).toBe('index.js');
    expect(names.some((n) => n.startsWith('chunks/chunk-'))).toBe(true);
    expect(names.filter((n) => /^chunks\/(client|http)-/.test(n))).toEqual([]);
  });

  it(`stays within ${START_UP_BUDGET / 1024} KB`, () => {
    const bytes = [...files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(bytes).toBeGreaterThan(100 * 1024);
    expect(bytes, `start-up code is ${(bytes / 1024).toFixed(0)} KB: ${names.join(', ')}`).toBeLessThanOrEqual(START_UP_BUDGET);
  });

  it('carries zod in English only', () => {
    const code = [...files.values()].join('\n');
    // zod's own schemas are there; its locales other than English (zod/v4/locales) are not.
    expect(code).toContain('Invalid input');
    expect(code).not.toMatch(/Entrada inv[aá\\]|Ung(?:ü|\\xFC|\\u00FC)ltig|\u65E0\u6548\u8F93\u5165|\\u65E0\\u6548/);
  });
});
