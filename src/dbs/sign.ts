/**
 * ACS3-HMAC-SHA256, the V3 request signature of Alibaba Cloud's API gateway, for requests whose
 * path is "/" (RPC-style operations such as DescribeBackupSetDownloadTaskList):
 *
 *   canonical request = method \n "/" \n canonical query \n canonical headers \n signed headers \n body SHA-256
 *   string to sign    = "ACS3-HMAC-SHA256" \n hex(SHA-256(canonical request))
 *   Authorization     = "ACS3-HMAC-SHA256 Credential=<key id>,SignedHeaders=<h1;h2>,Signature=<hex(HMAC-SHA256(secret, string to sign))>"
 *
 * It gives the same header as `getAuthorization` in `@alicloud/openapi-util` (a test compares the two
 * on random requests), without loading that package and its dependencies for one function.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 percent-encoding: what `encodeURIComponent` leaves of !'()* is encoded too. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `key=value` pairs, percent-encoded and sorted by key: the canonical query, and the URL's query too. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(query[key]!)}`)
    .join('&');
}

/** Signs host, content-type and every x-acs-* header; the names are lower-cased, the values trimmed. */
function canonicalHeaders(headers: Readonly<Record<string, string>>): { canonical: string; signed: string } {
  const byName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'host' && lower !== 'content-type' && !lower.startsWith('x-acs-')) continue;
    const values = byName.get(lower);
    if (values) values.push(value.trim());
    else byName.set(lower, [value.trim()]);
  }
  const names = [...byName.keys()].sort();
  const canonical = names.map((name) => `${name}:${byName.get(name)!.sort().join(',')}\n`).join('');
  return { canonical, signed: names.join(';') };
}

export interface SignedRequest {
  method: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body, as sent in x-acs-content-sha256. */
  bodySha256: string;
}

/** The Authorization header for `request` under the given key. */
export function authorization(request: SignedRequest, accessKeyId: string, accessKeySecret: string): string {
  const { canonical, signed } = canonicalHeaders(request.headers);
  const canonicalRequest = [request.method, '/', canonicalQuery(request.query), canonical, signed, request.bodySha256].join('\n');
  const stringToSign = `${SIGNATURE_ALGORITHM}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
  return `${SIGNATURE_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signed},Signature=${signature}`;
}
