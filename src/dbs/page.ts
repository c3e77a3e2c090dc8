import { DbsError, isRetryableApiError } from './errors.js';
import { redactSecrets } from '../redact.js';

/** One raw task as the API sent it: field names and values untouched. */
export type RawTask = Record<string, unknown>;

/** One page of `DescribeBackupSetDownloadTaskList`, with the API's shape quirks smoothed out. */
export interface RawPage {
  requestId: string | null;
  /** Zero-based, as the API counts. */
  pageNum: number | null;
  pageSize: number | null;
  totalElements: number | null;
  totalPages: number | null;
  items: RawTask[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function optionalCount(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

const GATEWAY_ID = /("BackupGatewayId"\s*:\s*)(-?\d+)(?=\s*[,}])/g;

/**
 * `BackupGatewayId` is a 64-bit integer written as a bare JSON number, which JSON.parse rounds
 * beyond 2^53: quote it before parsing so the id survives digit for digit.
 */
function quoteGatewayIds(text: string): string {
  return text.replace(GATEWAY_ID, '$1"$2"');
}

/**
 * A string of its own with the characters of `part`. V8 cuts a substring of 13 characters or more as
 * a view into the string it was cut from, so a gateway id of 16-19 digits matched in a page would keep
 * the whole page text (75 KB for 100 tasks) alive for as long as its task is kept: over an `allPages`
 * read, long enough for V8 to move every page into its old generation.
 */
function detached(part: string): string {
  return Array.from(part).join('');
}

/**
 * The same without rewriting the text (a third of the cost of reading a 75 KB page): the ids' digits,
 * read from the text in order, replace the rounded numbers on the tasks, in the same order. Every
 * digit string must round to the number it replaces; when they do not line up (a gateway id outside
 * the task list, a form the pattern misses), false, and the caller quotes and parses again.
 */
function restoreGatewayIds(text: string, items: RawTask[]): boolean {
  const numeric = items.filter((item) => typeof item.BackupGatewayId === 'number');
  if (numeric.length === 0) return true;
  const digits = Array.from(text.matchAll(GATEWAY_ID), (match) => detached(match[2]!));
  if (digits.length !== numeric.length || numeric.some((item, i) => Number(digits[i]) !== item.BackupGatewayId)) return false;
  numeric.forEach((item, i) => {
    item.BackupGatewayId = digits[i];
  });
  return true;
}

/**
 * `Items` arrives as "" (no tasks), `{BackupSetDownloadTaskDetail: [...]}`, the same holding a
 * single object, a bare array, or a bare task object.
 */
export function itemsOf(items: unknown): RawTask[] {
  if (items === undefined || items === null || items === '') return [];
  if (Array.isArray(items)) return items.filter(isObject);
  if (!isObject(items)) return [];
  if ('BackupSetDownloadTaskDetail' in items) return itemsOf(items.BackupSetDownloadTaskDetail);
  return 'BackupSetDownloadTaskId' in items ? [items] : [];
}

function snippet(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/**
 * A body as received, its bytes read as latin1 (one char a byte, a plain copy) as they arrive, so
 * that no buffer outlives its chunk, and whether they were all ASCII.
 */
export interface ReceivedBody {
  latin1: string;
  ascii: boolean;
}

/** The bytes of a latin1 reading, decoded as the UTF-8 they are. */
function utf8Of(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/**
 * A body as text for JSON.parse, and whether its strings are still UTF-8 bytes, one char a byte.
 * Decoding UTF-8 that holds a few non-ASCII characters (Chinese task names) takes as long as parsing
 * the page (0.4 ms for 75 KB) and yields a two-byte string of twice the size. The latin1 reading is
 * parsed instead: every byte of a multi-byte UTF-8 sequence is 0x80 or above, so the JSON around them
 * is read the same, and only the strings that hold such bytes are decoded once parsed. A \u escape
 * would yield characters that could not be told from those bytes: a body with one is decoded first.
 */
function bodyText(body: string | ReceivedBody): { text: string; undecoded: boolean } {
  if (typeof body === 'string') return { text: body, undecoded: false };
  if (body.ascii) return { text: body.latin1, undecoded: false };
  if (body.latin1.includes('\\u')) return { text: utf8Of(body.latin1), undecoded: false };
  return { text: body.latin1, undecoded: true };
}

const UTF8_BYTE = /[\x80-\xff]/;

function decodeUtf8(value: string): string {
  return UTF8_BYTE.test(value) ? utf8Of(value) : value;
}

/** Keys known to be ASCII: the same twenty-odd names recur on every task of every page. */
const ASCII_KEYS = new Set<string>();
const MAX_ASCII_KEYS = 512;

function decodeKey(key: string): string {
  if (ASCII_KEYS.has(key)) return key;
  const decoded = decodeUtf8(key);
  if (decoded === key && ASCII_KEYS.size < MAX_ASCII_KEYS) ASCII_KEYS.add(key);
  return decoded;
}

/** Decodes, in place, every string and key of a value parsed from a latin1 reading of UTF-8. */
function decodeStrings(value: unknown): unknown {
  if (typeof value === 'string') return decodeUtf8(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' || typeof item === 'string') value[i] = decodeStrings(item);
    }
    return value;
  }
  const record = value as Json;
  // Renamed keys are set after the loop, so that no decoded key is visited (and decoded) again.
  let renamed: [string, string, unknown][] | undefined;
  for (const key in record) {
    const item = record[key];
    const decoded = typeof item === 'object' || typeof item === 'string' ? decodeStrings(item) : item;
    const name = decodeKey(key);
    if (name !== key) (renamed ??= []).push([key, name, decoded]);
    else if (decoded !== item) record[key] = decoded;
  }
  for (const [key, name, decoded] of renamed ?? []) {
    delete record[key];
    record[name] = decoded;
  }
  return value;
}

/**
 * Turns an HTTP answer into a page or a typed error. Pure: status, content type and body in, the body
 * as received or as text.
 */
export function parsePage(status: number, contentType: string | undefined, received: string | ReceivedBody): RawPage {
  const transient = status === 429 || status >= 500;
  const { text, undecoded } = bodyText(received);
  const parse = (json: string): unknown => (undecoded ? decodeStrings(JSON.parse(json)) : JSON.parse(json));
  let body: unknown;
  try {
    body = parseJson(text, parse);
  } catch {
    const shown = undecoded ? utf8Of(text) : text;
    if (shown.trim() === '') {
      // A DBS answer is never empty: this is a proxy or gateway cutting it off, worth another try.
      throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with an empty body`, {
        httpStatus: status,
        retryable: true,
      });
    }
    const kind = contentType?.split(';')[0]?.trim() || 'unknown content type';
    // An HTML page here comes from a gateway or load balancer in front of DBS: transient as a rule.
    const html = /html/i.test(kind) || /^\s*</.test(shown);
    throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with a non-JSON body (${kind}): "${redactSecrets(snippet(shown))}"`, {
      httpStatus: status,
      retryable: transient || html,
    });
  }
  if (!isObject(body)) {
    throw new DbsError('BadResponse', `the endpoint answered HTTP ${status} with JSON that is not an object`, {
      httpStatus: status,
      retryable: transient,
    });
  }

  const requestId = optionalString(body.RequestId) ?? null;
  // DBS puts ErrCode/ErrMessage in the body, sometimes with HTTP 200 and Success:false; gateways use Code/Message.
  const failed = status >= 400 || body.Success === false || (body.Success === undefined && optionalString(body.ErrCode) !== undefined);
  if (failed) {
    const code = optionalString(body.Code) ?? optionalString(body.ErrCode) ?? (status >= 400 ? `HTTP${status}` : 'UnknownError');
    const message = optionalString(body.Message) ?? optionalString(body.ErrMessage) ?? 'the API reported a failure without a message';
    const reported = optionalCount(body.HttpStatusCode);
    const httpStatus = status >= 400 ? status : (reported ?? status);
    const detail = isObject(body.AccessDeniedDetail) ? optionalString(body.AccessDeniedDetail.AuthAction) : undefined;
    throw new DbsError(code, redactSecrets(message), {
      httpStatus,
      requestId: requestId ?? undefined,
      retryable: isRetryableApiError(code, status >= 400 ? status : undefined),
      authAction: detail,
    });
  }

  let items = itemsOf(body.Items);
  if (!restoreGatewayIds(text, items)) items = itemsOf((parse(quoteGatewayIds(text)) as Json).Items);
  return {
    requestId,
    pageNum: optionalCount(body.PageNum),
    pageSize: optionalCount(body.PageSize),
    totalElements: optionalCount(body.TotalElements),
    totalPages: optionalCount(body.TotalPages),
    items,
  };
}

/** JSON.parse; a text that only parses once its gateway ids are quoted (a leading zero) is read that way. */
function parseJson(text: string, parse: (json: string) => unknown): unknown {
  try {
    return parse(text);
  } catch (error) {
    const quoted = quoteGatewayIds(text);
    if (quoted === text) throw error;
    return parse(quoted);
  }
}
