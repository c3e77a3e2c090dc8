/** Where requests go: a DBS endpoint resolved from the region, or an explicit override. */
import { oneLine } from '../redact.js';

export interface Endpoint {
  protocol: 'https' | 'http';
  /** `host[:port]`, no scheme: it is also the signed `host` header. */
  host: string;
}

const CENTRAL_HOST = 'dbs-api.cn-hangzhou.aliyuncs.com';

/** The endpoint map of the generated dbs-20190306 SDK (`_endpointMap`), entry for entry. */
const ENDPOINT_MAP: Readonly<Record<string, string>> = {
  'cn-qingdao': CENTRAL_HOST,
  'cn-beijing': CENTRAL_HOST,
  'cn-chengdu': 'dbs-api.cn-chengdu.aliyuncs.com',
  'cn-zhangjiakou': CENTRAL_HOST,
  'cn-huhehaote': 'dbs-api.cn-huhehaote.aliyuncs.com',
  'cn-hangzhou': CENTRAL_HOST,
  'cn-shanghai': CENTRAL_HOST,
  'cn-shenzhen': CENTRAL_HOST,
  'cn-hongkong': CENTRAL_HOST,
  'ap-southeast-1': 'dbs-api.ap-southeast-1.aliyuncs.com',
  'ap-southeast-2': 'dbs-api.ap-southeast-2.aliyuncs.com',
  'ap-southeast-3': 'dbs-api.ap-southeast-3.aliyuncs.com',
  'ap-southeast-5': 'dbs-api.ap-southeast-5.aliyuncs.com',
  'ap-northeast-1': 'dbs-api.ap-northeast-1.aliyuncs.com',
  'us-west-1': CENTRAL_HOST,
  'us-east-1': CENTRAL_HOST,
  'eu-central-1': 'dbs-api.eu-central-1.aliyuncs.com',
  'cn-hangzhou-finance': CENTRAL_HOST,
  'cn-shanghai-finance-1': CENTRAL_HOST,
  'cn-shenzhen-finance-1': CENTRAL_HOST,
  'ap-south-1': 'dbs-api.ap-south-1.aliyuncs.com',
  'eu-west-1': 'dbs-api.eu-west-1.aliyuncs.com',
  'me-east-1': 'dbs-api.me-east-1.aliyuncs.com',
};

/** The SDK's rule: its map first, then the regional pattern `<product>.<region>.aliyuncs.com`. */
export function regionHost(regionId: string): string {
  return Object.hasOwn(ENDPOINT_MAP, regionId) ? ENDPOINT_MAP[regionId]! : `dbs.${regionId}.aliyuncs.com`;
}

const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * Parses `host[:port]` or `http(s)://host[:port]` (a trailing `/` is allowed).
 * A bare host means HTTPS. Throws with a message naming the accepted forms.
 */
export function parseEndpoint(value: string): Endpoint {
  let protocol: Endpoint['protocol'] = 'https';
  let rest = value.trim();
  const scheme = /^(https?):\/\//i.exec(rest);
  if (scheme) {
    protocol = scheme[1]!.toLowerCase() as Endpoint['protocol'];
    rest = rest.slice(scheme[0].length);
  }
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  // Never echoed: the value would carry a password to the log. DBS requests are signed, not logged in to.
  if (rest.includes('@')) throw new Error('expected host[:port] or http(s)://host[:port], without user:password@ (the value is not shown: it holds one)');
  const match = HOST_PORT.exec(rest);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`expected host[:port] or http(s)://host[:port], got "${oneLine(value.slice(0, 300))}"`);
  }
  return { protocol, host: rest.toLowerCase() };
}

const CENTRAL_REGION = 'cn-hangzhou';

/**
 * Where a lookup in `regionId` really went, in words: a region without an endpoint of its own is
 * answered by the central one, which is no lookup scoped to that region.
 */
export function lookupPlace(regionId: string, host: string): string {
  if (host !== CENTRAL_HOST || regionId === CENTRAL_REGION) return `in region ${regionId}`;
  return `at ${host}, the endpoint region ${regionId} shares with ${CENTRAL_REGION} and other regions`;
}

export function resolveEndpoint(regionId: string, override: Endpoint | null): Endpoint {
  return override ?? { protocol: 'https', host: regionHost(regionId) };
}
