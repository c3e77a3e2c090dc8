/** Numbers and times as the text blocks write them: short, unambiguous, UTC. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function humanSize(bytes: number | null): string {
  if (bytes === null) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** `2026-11-27 10:05`: minutes are enough to answer from, and the header says UTC once. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** `2026-11-27 10:05:59 UTC`, for the one-task view. */
export function fullTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `1,437`: counts a reader takes in at a glance. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 plan`, `1,437 plans`. */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `3h 05m 10s`, `2d 4h`, `45s`: the two or three largest units. */
export function durationText(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `pageNum 0-2`: named after the pageNum argument, so a model maps it onto the next call. */
export function pageNumRange(pageNum: number, pagesFetched: number): string {
  return pagesFetched === 1 ? `pageNum ${pageNum}` : `pageNum ${pageNum}-${pageNum + pagesFetched - 1}`;
}

/** `pageNum 0 (of pages 0-2, 30 tasks per page)`: which pages a result covers, of how many. */
export function pagePosition(page: { pageNum: number; pagesFetched: number; totalPages: number | null; pageSize: number }, noun: string): string {
  const { pageNum, pagesFetched, totalPages, pageSize } = page;
  const of = totalPages === null ? '' : totalPages === 0 ? 'no pages, ' : `of pages 0-${totalPages - 1}, `;
  return `${pageNumRange(pageNum, pagesFetched)} (${of}${pageSize} ${noun}s per page)`;
}
