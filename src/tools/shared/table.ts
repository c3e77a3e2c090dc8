/** Table cells of the text blocks: one line each, no pipes, clipped. */

export function clip(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Words split by single spaces, no pipes: most names and ids, which go into a cell as they are.
const PLAIN = /^[^\s|]+(?: [^\s|]+)*$/;

/** Table cells must not break the row: no pipes, no line breaks. */
export function cell(value: string | null, max = 40): string {
  if (value === null) return '-';
  if (value.length <= max && PLAIN.test(value)) return value;
  return clip(value, max).replace(/\|/g, '/');
}
