/** The four time fields: an ISO 8601 date or date-time, an age counted back from now, or `today` / `yesterday`. */

/** A time window in epoch ms: `after` inclusive, `before` exclusive; null for no bound. */
export interface TimeWindow {
  after: number | null;
  before: number | null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const AGE = /^(\d{1,6})\s*([mhdw])$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DAY_MS = 86_400_000;
// Days back from the start of the current UTC day.
const DAY_WORDS: Record<string, number> = { today: 0, yesterday: 1 };

/** Date.UTC rolls 2026-02-30 over into March: a field that does not come back unchanged was out of range. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | null {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  const same =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second;
  return same ? ms : null;
}

// Instants a task can have and a date-time can write back: year 1970 to year 9999.
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(10_000, 0, 1);

/** False for an instant before 1970 or past 9999 (`200000w` ago): no task has it, and the API refuses it. */
export function inCalendar(ms: number): boolean {
  return ms >= EARLIEST_MS && ms < LATEST_MS;
}

/**
 * The instant `text` names, in epoch ms, or null when it names none. A date is midnight UTC; a date-time
 * without a zone is UTC; an age (`90m`, `24h`, `7d`, `2w`) is counted back from `nowMs`; `today` and
 * `yesterday` are the start of that UTC day.
 */
export function parseInstant(text: string, nowMs: number): number | null {
  const value = text.trim();
  const daysBack = DAY_WORDS[value.toLowerCase()];
  if (daysBack !== undefined) return Math.floor(nowMs / DAY_MS) * DAY_MS - daysBack * DAY_MS;
  const age = AGE.exec(value);
  if (age) return nowMs - Number(age[1]) * UNIT_MS[age[2]!.toLowerCase()]!;
  const date = DATE.exec(value);
  if (date) return utc(Number(date[1]), Number(date[2]), Number(date[3]));
  const dt = DATE_TIME.exec(value);
  if (!dt) return null;
  const base = utc(Number(dt[1]), Number(dt[2]), Number(dt[3]), Number(dt[4]), Number(dt[5]), Number(dt[6] ?? 0));
  if (base === null) return null;
  const fraction = dt[7] ? Math.floor(Number(`0${dt[7]}`) * 1000) : 0;
  const zone = dt[8]?.toUpperCase();
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return base + fraction - offsetMinutes * 60_000;
}
