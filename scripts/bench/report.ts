/** The bench's table: each figure, its target, what it is compared with, and whether it passes. */
export interface Row {
  section: string;
  figure: string;
  value: string;
  target: string;
  reference: string;
  /** null: printed for information, no target. */
  pass: boolean | null;
}

export const count = (value: number): string => value.toLocaleString('en-US');
export const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ratio = (value: number): string => `${value.toFixed(2)}x`;
export const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

export function formatTable(rows: readonly Row[]): string {
  const header = ['Section', 'Figure', 'Measured', 'Target', 'Compared with', 'Result'];
  const cells = rows.map((r) => [r.section, r.figure, r.value, r.target, r.reference, r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
