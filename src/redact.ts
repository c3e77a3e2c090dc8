/**
 * Removes credentials that can hide in text from the API or the network layer: signed URL query
 * values (OSS `Signature`, `OSSAccessKeyId`, STS tokens), whole download URLs, the Authorization
 * header's `Signature=`, and, by value, the secrets this process holds (access key secret, security
 * token, the signatures it computed), whatever shape an upstream echoes them in.
 *
 * Every pattern here runs in linear time: none can backtrack over the text it did not match.
 */
const SIGNED_QUERY_VALUE =
  /([?&](?:Signature|OSSAccessKeyId|SecurityToken|security-token|x-oss-security-token|x-oss-signature|x-oss-credential|Expires|AccessKeyId)=)[^&\s"'<>]*/gi;
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
const signatures = new Set<string>();

function remember(set: Set<string>, value: string, max: number): void {
  if (set.has(value)) return;
  set.add(value);
  if (set.size > max) set.delete(set.values().next().value!);
}

/** A secret value (access key secret, security token) that must never appear in anything emitted. */
export function rememberSecret(value: string | undefined): void {
  // Shorter values would match ordinary words; real secrets are 30 characters and more.
  if (value !== undefined && value.length >= 8) remember(secrets, value, MAX_SECRETS);
}

/** A request signature (64 hex digits) this process computed. */
export function rememberSignature(hex: string): void {
  remember(signatures, hex.toLowerCase(), MAX_SIGNATURES);
}

/** Removes only the remembered values: for download URLs, which keep their own signed query. */
export function redactValues(text: string): string {
  // Most strings of a page are short ids and states: nothing to look for in them.
  if (text.length < 8) return text;
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  if (signatures.size > 0 && out.length >= 64) out = out.replace(HEX_RUN, (hex) => (signatures.has(hex.toLowerCase()) ? '***' : hex));
  return out;
}

export function redactSecrets(text: string): string {
  let out = redactValues(text);
  if (out.includes('=')) out = out.replace(HEADER_SIGNATURE, '$1***').replace(SIGNED_QUERY_VALUE, '$1***');
  if (out.includes('://')) out = out.replace(URL_RUN, (url) => (url.includes('?') ? `${url.slice(0, url.indexOf('?'))}?***` : url));
  return out;
}
