/** Readers of raw API fields: every list item's values go through these, with one rule each. */
import { redactSecrets } from '../../redact.js';
import { isoTime } from '../../time.js';

/** One item of a DBS list page, as the DBS layer hands it over (its RawTask): field names as the API sent them. */
export type RawItem = Record<string, unknown>;

function plain(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return null;
}

/** Trimmed text; "" and non-text are none. Every string is the service's: none may carry a signed URL into the model's context. */
export function text(value: unknown): string | null {
  const read = plain(value);
  return read === null ? null : redactSecrets(read);
}

/** A download URL keeps its signed query: page parsing already took out this process's own secrets. */
export const urlText = plain;

export function numeric(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** Epoch milliseconds (0, "" or missing mean "not yet"); a value below 1e11 can only be seconds. */
export function epochMs(value: unknown): number | null {
  const n = numeric(value);
  if (n === null || n <= 0) return null;
  // Truncated as Date does; past Date's range (8.64e15 ms) there is no time to show.
  const ms = Math.trunc(n < 1e11 ? n * 1000 : n);
  return ms <= 8.64e15 ? ms : null;
}

/** An epoch time field as ISO 8601 UTC, or null. */
export function isoTimeOf(value: unknown): string | null {
  const ms = epochMs(value);
  return ms === null ? null : isoTime(ms);
}

/** Newest first for ISO times; none last. */
export function newerFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  // ISO times of one length compare as text; a year past 9999 takes the longer, signed form.
  if (a.length === b.length) return a < b ? 1 : -1;
  return Date.parse(a) < Date.parse(b) ? 1 : -1;
}

/** Newest first by `time`, ties broken by `id`: the one order of tasks and plans. */
export function newestFirst<T>(time: (item: T) => string | null, id: (item: T) => string | null): (a: T, b: T) => number {
  return (a, b) => newerFirst(time(a), time(b)) || (id(a) ?? '').localeCompare(id(b) ?? '');
}
