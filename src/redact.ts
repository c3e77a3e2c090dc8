/**
 * Removes credentials that can hide in text from the API or the network layer: signed URL query
 * values (OSS `Signature`, `OSSAccessKeyId`, STS tokens), plain or percent-encoded, whole download URLs,
 * the Authorization header's `Signature=`, passwords in URLs and `password=` pairs, echoed
 * Authorization headers, and, by value, the secrets this process holds (access key secret, security
 * token, proxy password, the signatures it computed), whatever shape an upstream echoes them in.
 * It also turns upstream text into one line without control characters (`upstreamText`).
 *
 * Every pattern here runs in linear time: none can backtrack over the text it did not match.
 */
const SIGNED_NAMES = 'Signature|OSSAccessKeyId|SecurityToken|security-token|x-oss-security-token|x-oss-signature|x-oss-credential|Expires|AccessKeyId';
const SIGNED_QUERY_VALUE = new RegExp(`([?&](?:${SIGNED_NAMES})=)[^&\\s"'<>]*`, 'gi');
// The same inside a percent-encoded URL: `%3FSignature%3D...` up to the next encoded `&`.
const ENCODED_QUERY_VALUE = new RegExp(`((?:%3F|%26)(?:${SIGNED_NAMES})%3D)(?:[^%&\\s"'<>]|%(?!26))*`, 'gi');
const ENCODED_URL_RUN = /\bhttps?%3A%2F%2F[^\s"'<>&]*/gi;
// `scheme://user:password@`: starts only at "://", and both runs stop at "/", so scans never overlap.
const URL_PASSWORD = /:\/\/([^\s/?#@:"'<>]*):[^\s/?#@"'<>]*@/g;
// `password=...` and the like in a query string or a message.
const PASSWORD_PAIR = /\b((?:pass(?:word|wd)?|pwd|secret|access_token|token|api_?key)=)[^&\s"'<>,;]*/gi;
// An echoed `Authorization:` or `Proxy-Authorization:` header: its scheme and credentials.
const AUTH_HEADER = /\b((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)(?:(?:Basic|Bearer|Digest|Negotiate)\s+)?[^\s"'<>,;]+/gi;
// A URL and everything up to the next separator; whether it has a query is decided in the callback,
// so a text of many "http://" without "?" costs one pass, not one scan to the end per occurrence.
const URL_RUN = /\bhttps?:\/\/[^\s"'<>]*/gi;
// The Authorization header's `Signature=<hex>` (ACS3) wherever an upstream echoes it.
const HEADER_SIGNATURE = /(\bSignature=)[0-9A-Fa-f]{16,}/g;
const HEX_RUN = /[0-9a-f]{64}/gi;

/** Text fields from upstream are cut to this many characters before anything else looks at them. */
export const MAX_TEXT_CHARS = 2048;
const CUT_MARK = '... (cut)';

/** `text` itself, or its first MAX_TEXT_CHARS characters and "... (cut)". */
export function cutText(text: string, max = MAX_TEXT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}${CUT_MARK}`;
}

// Secrets live as long as the process; signatures only while an answer can still echo them.
const MAX_SECRETS = 16;
const MAX_SIGNATURES = 1024;
const secrets = new Set<string>();
// The longest remembered secret: a text cut before redaction loses this much of its end, where a secret may have been cut in two.
let longestSecret = 0;
const signatures = new Set<string>();

function remember(set: Set<string>, value: string, max: number): void {
  if (set.has(value)) return;
  set.add(value);
  if (set.size > max) set.delete(set.values().next().value!);
}

/**
 * A secret value (access key secret, security token, proxy password) that must never appear in
 * anything emitted. Values under `minLength` would match ordinary words: real keys are 30
 * characters and more, while a proxy password may be short.
 */
export function rememberSecret(value: string | undefined, minLength = 8): void {
  if (value === undefined || value.length < Math.max(minLength, 1)) return;
  remember(secrets, value, MAX_SECRETS);
  longestSecret = Math.max(longestSecret, value.length);
}

/** A request signature (64 hex digits) this process computed. */
export function rememberSignature(hex: string): void {
  remember(signatures, hex.toLowerCase(), MAX_SIGNATURES);
}

/** Removes only the remembered values: for download URLs, which keep their own signed query. */
export function redactValues(text: string): string {
  // Most strings of a page are short ids and states: nothing to look for in them.
  if (text.length < 4) return text;
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  if (signatures.size > 0 && out.length >= 64) out = out.replace(HEX_RUN, (hex) => (signatures.has(hex.toLowerCase()) ? '***' : hex));
  return out;
}

export function redactSecrets(text: string): string {
  let out = redactValues(text);
  if (out.includes('=')) out = out.replace(HEADER_SIGNATURE, '$1***').replace(SIGNED_QUERY_VALUE, '$1***').replace(PASSWORD_PAIR, '$1***');
  if (/authorization/i.test(out)) out = out.replace(AUTH_HEADER, '$1***');
  if (out.includes('://')) {
    out = out.replace(URL_PASSWORD, '://$1:***@').replace(URL_RUN, (url) => (url.includes('?') ? `${url.slice(0, url.indexOf('?'))}?***` : url));
  }
  if (out.includes('%')) {
    out = out.replace(ENCODED_QUERY_VALUE, '$1***').replace(ENCODED_URL_RUN, (url) => {
      const query = url.search(/%3F/i);
      return query < 0 ? url : `${url.slice(0, query)}%3F***`;
    });
  }
  return out;
}

// C0 controls (newlines, ESC), DEL, C1 controls, zero-width and direction marks, line and paragraph
// separators, bidi embeddings, overrides and isolates, the BOM, and lone surrogates.
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': ' ' };

/** `text` on one line, every control or invisible formatting character shown as an escape (`\\n`, `\\u001b`). */
// Most upstream strings are plain printable ASCII (ids, statuses, times): nothing to escape in them.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function oneLine(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(UNSAFE_CHARS, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Upstream text is read this far, several times what is shown, before redaction; the rest is never looked at.
const READ_FACTOR = 8;

/**
 * Text from upstream as it may be shown: redacted first, then put on one line, then cut to `max`
 * characters with a mark, so that a secret across the cut is still removed. The work is bounded by
 * a first, generous cut; what that cut might have split in two is dropped.
 */
export function upstreamText(text: string, max = MAX_TEXT_CHARS, redact: (text: string) => string = redactSecrets): string {
  const bound = max * READ_FACTOR;
  if (text.length <= bound) return cutText(oneLine(redact(text)), max);
  const redacted = redact(text.slice(0, bound));
  const out = oneLine(redacted.slice(0, Math.max(0, redacted.length - longestSecret)));
  return out.length <= max ? `${out}${CUT_MARK}` : cutText(out, max);
}
