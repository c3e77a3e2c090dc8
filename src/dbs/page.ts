/** Turns an HTTP answer of the DBS API into a JSON object or a typed error, and a list answer into a page. */
import { DbsError, isRetryableApiError } from './errors.js';
import { cutText, MAX_TEXT_CHARS, oneLine, redactValues, upstreamText } from '../redact.js';

/** One raw item as the API sent it: field names and values untouched. */
export type RawItem = Record<string, unknown>;

/** One page of a DBS list operation, with the API's shape quirks smoothed out. */
export interface RawPage {
  requestId: string | null;
  /** Zero-based, as the API counts. */
  pageNum: number | null;
  pageSize: number | null;
  totalElements: number | null;
  totalPages: number | null;
  items: RawItem[];
}

export type Json = Record<string, unknown>;

/** A successful answer: its body as parsed, and its request id. */
export interface ApiAnswer {
  requestId: string | null;
  body: Json;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function optionalCount(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

// Gateway ids are 64-bit integers sent as bare JSON numbers, which JSON.parse would round past 2^53.
const GATEWAY_ID_FIELDS = ['BackupGatewayId', 'BackupSetDownloadGatewayId'];
// 64-bit ids have at most 20 characters ("-9223372036854775808").
const MAX_ID_CHARS = 20;
const INT64_ID = /("(?:BackupGatewayId|BackupSetDownloadGatewayId)"\s*:\s*)(-?\d+)(?=\s*[,}\]])/g;

/** Quotes 64-bit gateway ids so that they survive JSON.parse digit for digit. */
export function quoteInt64Ids(text: string): string {
  return text.replace(INT64_ID, '$1"$2"');
}

/**
 * The exact digits of each gateway id JSON.parse would round, by the number it rounds to; null when two
 * ids round alike. Reading them beside the parse, rather than rewriting the text, keeps a page's text
 * from being copied once more.
 */
export function exactIds(text: string): Map<number, string> | null {
  const ids = new Map<number, string>();
  for (const [, , digits = ''] of text.matchAll(INT64_ID)) {
    // A longer run is no 64-bit id (pageOf refuses it), and would be slow to read as a BigInt.
    if (digits.length > MAX_ID_CHARS) continue;
    const rounded = Number(digits);
    if (Number.isSafeInteger(rounded)) continue;
    // Printed anew: the match itself is a slice that would keep the whole page text alive.
    const id = BigInt(digits).toString();
    if ((ids.get(rounded) ?? id) !== id) return null;
    ids.set(rounded, id);
  }
  return ids;
}

/**
 * `Items` arrives as "" (nothing), `{<detailKey>: [...]}`, the same holding a single object, a
 * bare array, or a bare item object (recognised by its `idKey`).
 */
export function itemsOf(items: unknown, detailKey = 'BackupSetDownloadTaskDetail', idKey = 'BackupSetDownloadTaskId'): RawItem[] {
  if (items === undefined || items === null || items === '') return [];
  if (Array.isArray(items)) return items.filter(isObject);
  if (!isObject(items)) return [];
  if (detailKey in items) return itemsOf(items[detailKey], detailKey, idKey);
  return idKey in items ? [items] : [];
}

function snippet(text: string): string {
  // Cut first (generously); `[^<>]` stops at the next "<", so a run of "<" without ">" is one pass, not one per "<".
  const flat = text
    .slice(0, 4 * MAX_TEXT_CHARS)
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Redacted before the short cut, so that a secret across it is removed whole.
  const shown = upstreamText(flat);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

// Download URLs (the operation's urlFields) are kept whole (a cut URL is useless) and pass the URL gate
// in the tool; every other string is cut and redacted here, so no later step sees more than a few KB of upstream text.
const MAX_URL_CHARS = 16 * 1024;
// DBS answers are four levels deep; deeper values are dropped rather than walked.
const MAX_DEPTH = 12;

/**
 * Every string of a parsed answer cleared of secrets, put on one line and cut to a few KB, in place; too-deep values
 * become null. A number JSON cannot hold (1e999 parses as Infinity) is BadResponse.
 */
function sanitise(value: unknown, key: string, depth: number, ids: Map<number, string>, urlFields: readonly string[]): unknown {
  if (typeof value === 'number') {
    // Gateway ids leave as their digits, exact past 2^53 too; pageOf checks them.
    if (GATEWAY_ID_FIELDS.includes(key)) return ids.get(value) ?? String(value);
    if (!Number.isFinite(value)) {
      throw new DbsError('BadResponse', `the endpoint answered a number out of range in ${cutText(key, 100) || 'its answer'}`);
    }
    return value;
  }
  if (typeof value === 'string') {
    return urlFields.includes(key) ? upstreamText(value, MAX_URL_CHARS, redactValues) : upstreamText(value);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = sanitise(value[i], key, depth + 1, ids, urlFields);
  } else {
    const object = value as Json;
    for (const name of Object.keys(object)) object[name] = sanitise(object[name], name, depth + 1, ids, urlFields);
  }
  return value;
}

/** The text as JSON with its gateway ids exact; undefined when it is not JSON. */
function parseExact(text: string): { body: unknown; ids: Map<number, string> } | undefined {
  const ids = exactIds(text);
  if (ids !== null) {
    try {
      return { body: JSON.parse(text), ids };
    } catch {
      // An id JSON cannot read as a number (a leading zero) still parses once quoted.
    }
  }
  try {
    return { body: JSON.parse(quoteInt64Ids(text)), ids: new Map() };
  } catch {
    return undefined;
  }
}

/**
 * Turns an HTTP answer into a JSON object or a typed error. Pure: status, content type and UTF-8 text in,
 * and the fields that hold signed download URLs.
 */
export function parseAnswer(status: number, contentType: string | undefined, text: string, urlFields: readonly string[] = []): ApiAnswer {
  const transient = status === 429 || status >= 500;
  const parsed = parseExact(text);
  if (parsed === undefined) {
    if (text.trim() === '') {
      // A DBS answer is never empty: this is a proxy or gateway cutting it off, worth another try.
      throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with an empty body`, { httpStatus: status, retryable: true });
    }
    const kind = oneLine(cutText(contentType?.split(';')[0]?.trim() || 'unknown content type', 100));
    // An HTML page here comes from a gateway or load balancer in front of DBS: transient as a rule.
    const html = /html/i.test(kind) || /^\s*</.test(text);
    throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with a non-JSON body (${kind}): "${snippet(text)}"`, {
      httpStatus: status,
      retryable: transient || html,
    });
  }
  const { body } = parsed;
  if (!isObject(body)) {
    throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with JSON that is not an object`, { httpStatus: status, retryable: transient });
  }
  sanitise(body, '', 0, parsed.ids, urlFields);

  const requestId = optionalString(body.RequestId) ?? null;
  // DBS puts ErrCode/ErrMessage in the body, sometimes with HTTP 200 and Success:false; gateways use Code/Message.
  const failed = status >= 400 || body.Success === false || (body.Success === undefined && optionalString(body.ErrCode) !== undefined);
  if (failed) {
    const code = optionalString(body.Code) ?? optionalString(body.ErrCode) ?? (status >= 400 ? `HTTP${status}` : 'UnknownError');
    const message = optionalString(body.Message) ?? optionalString(body.ErrMessage) ?? 'the API reported a failure without a message';
    const reported = optionalCount(body.HttpStatusCode);
    const httpStatus = status >= 400 ? status : (reported ?? status);
    const detail = isObject(body.AccessDeniedDetail) ? optionalString(body.AccessDeniedDetail.AuthAction) : undefined;
    throw new DbsError(identifier(code), message, {
      httpStatus,
      requestId: requestId ?? undefined,
      retryable: isRetryableApiError(code, status >= 400 ? status : undefined),
      authAction: identifier(detail),
    });
  }
  return { requestId, body };
}

// Error codes and RAM actions are identifiers ("Forbidden.RAM", "dbs:DescribeBackupPlanList").
const IDENTIFIER = /^[\w.:/-]{1,100}$/;

/** An identifier from upstream as is; anything else quoted, so that it cannot read as the server's own words. */
function identifier(text: string): string;
function identifier(text: string | undefined): string | undefined;
function identifier(text: string | undefined): string | undefined {
  return text === undefined || IDENTIFIER.test(text) ? text : `"${cutText(text, 100)}"`;
}

function badPage(message: string): DbsError {
  return new DbsError('BadResponse', message);
}

/**
 * The page of a list operation's answer: totals (PageNum is zero-based) and the items under `detailKey`.
 * More items than the page size asked for (or the one the answer states), or a gateway id that is
 * no 64-bit number, is not DBS speaking: BadResponse, never retried.
 */
export function pageOf(answer: ApiAnswer, detailKey: string, idKey: string, requestedPageSize?: number): RawPage {
  const { body } = answer;
  const pageSize = optionalCount(body.PageSize);
  const items = itemsOf(body.Items, detailKey, idKey);
  const limit = Math.min(requestedPageSize ?? Infinity, pageSize ?? Infinity);
  if (items.length > limit) throw badPage(`the endpoint answered a page of ${items.length} items for a page size of ${limit}`);
  for (const item of items) {
    for (const field of GATEWAY_ID_FIELDS) {
      const id = item[field];
      if (id === undefined || id === null || id === '') continue;
      const text = typeof id === 'number' ? String(id) : id;
      if (typeof text !== 'string' || text.length > MAX_ID_CHARS || !/^-?\d+$/.test(text)) {
        throw badPage(`the endpoint answered a ${field} that is not a 64-bit number`);
      }
    }
  }
  return {
    requestId: answer.requestId,
    pageNum: optionalCount(body.PageNum),
    pageSize,
    totalElements: optionalCount(body.TotalElements),
    totalPages: optionalCount(body.TotalPages),
    items,
  };
}
