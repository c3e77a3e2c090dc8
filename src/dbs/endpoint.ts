/** Where requests go: a DBS endpoint resolved from the region, or an explicit override. */

export interface Endpoint {
  protocol: 'https' | 'http';
  /** `host[:port]`, no scheme: it is also the signed `host` header. */
  host: string;
}

const CENTRAL_HOST = 'dbs-api.cn-hangzhou.aliyuncs.com';

/** Regions the DBS API serves through the central endpoint (the generated SDK's endpoint map). */
const CENTRAL_REGIONS = new Set([
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-shenzhen',
  'cn-hongkong',
  'us-west-1',
  'us-east-1',
  'cn-hangzhou-finance',
  'cn-shanghai-finance-1',
  'cn-shenzhen-finance-1',
  'cn-north-2-gov-1',
]);

export function regionHost(regionId: string): string {
  if (CENTRAL_REGIONS.has(regionId)) return CENTRAL_HOST;
  return `dbs-api.${regionId}.aliyuncs.com`;
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
  const match = HOST_PORT.exec(rest);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`expected host[:port] or http(s)://host[:port], got "${value}"`);
  }
  return { protocol, host: rest.toLowerCase() };
}

export function resolveEndpoint(regionId: string, override: Endpoint | null): Endpoint {
  return override ?? { protocol: 'https', host: regionHost(regionId) };
}
