/**
 * Who may use the HTTP endpoint: the Host and Origin checks that stop DNS rebinding, the bearer
 * token, and which listen addresses are safe without one. Pure functions, no I/O.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

export interface HostPort {
  /** Lower-cased; IPv6 in brackets, in its canonical form ("[::1]"). */
  hostname: string;
  /** undefined when none was written. */
  port: number | undefined;
}

/** The names a browser uses for this machine; DNS rebinding cannot make a page's Host one of them. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/;

/** Parses a Host header or an allowed-hosts entry (`name`, `name:port`, `[v6]:port`); null if malformed. */
export function parseHostPort(text: string): HostPort | null {
  const match = HOST_PORT.exec(text.toLowerCase());
  if (!match) return null;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return null;
  try {
    return { hostname: new URL(`http://${match[1]}`).hostname, port };
  } catch {
    return null;
  }
}

/** A listen address as a HostPort hostname: IPv6 gets its brackets. */
function listenHostname(host: string): string | undefined {
  return parseHostPort(isIP(host) === 6 ? `[${host}]` : host)?.hostname;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (IPv4-mapped forms included) and "localhost"; any other name counts as reachable from outside. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '[::]']);

/** The Host values accepted when DBS_MCP_ALLOWED_HOSTS is unset: loopback names and the listen address itself. */
export function defaultAllowedHosts(listenHost: string): string[] {
  const name = listenHostname(listenHost);
  return name === undefined || WILDCARD_ADDRESSES.has(name) || LOOPBACK_NAMES.includes(name) ? [...LOOPBACK_NAMES] : [...LOOPBACK_NAMES, name];
}

/** Why the server must not listen on this address, or null when it may. */
export function listenRefusal(host: string, token: string | null): string | null {
  if (token !== null || isLoopbackAddress(host)) return null;
  return (
    `refusing to listen on ${host} without DBS_MCP_HTTP_TOKEN: anyone who can reach it could call DBS with this server's credentials. ` +
    'Set DBS_MCP_HTTP_TOKEN (e.g. openssl rand -hex 32) or listen on 127.0.0.1.'
  );
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface RequestPolicyOptions {
  listenHost: string;
  token: string | null;
  allowedHosts: string[] | null;
  allowedOrigins: string[] | null;
}

export interface RequestPolicy {
  /** The allowed Host values, as configured or defaulted (for the start-up log). */
  readonly allowedHosts: readonly string[];
  hostAllowed(host: string | undefined): boolean;
  /** A request without Origin (not from a browser) passes; a browser's must be allowed. */
  originAllowed(origin: string | undefined): boolean;
  /** True when no token is configured, or the Authorization header carries it as a Bearer token. */
  authorized(authorization: string | undefined): boolean;
}

export function createRequestPolicy(options: RequestPolicyOptions): RequestPolicy {
  const allowedHosts = options.allowedHosts ?? defaultAllowedHosts(options.listenHost);
  const anyHost = allowedHosts.includes('*');
  const hostEntries = allowedHosts
    .filter((entry) => entry !== '*')
    .map((entry) => parseHostPort(entry))
    .filter((entry) => entry !== null);
  const origins = options.allowedOrigins === null ? null : new Set(options.allowedOrigins);
  const expectedDigest = options.token === null ? null : sha256(options.token);

  return {
    allowedHosts,
    hostAllowed(host) {
      const given = host === undefined ? null : parseHostPort(host);
      if (given === null) return false;
      if (anyHost) return true;
      return hostEntries.some((entry) => entry.hostname === given.hostname && (entry.port === undefined || entry.port === given.port));
    },
    originAllowed(origin) {
      if (origin === undefined) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false; // "null" (sandboxed frames, file: pages) and garbage
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      return origins === null ? LOOPBACK_NAMES.includes(url.hostname) : origins.has(url.origin);
    },
    authorized(authorization) {
      if (expectedDigest === null) return true;
      const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization ?? '');
      // Digests have equal lengths, as timingSafeEqual needs, so the time taken says nothing about the token.
      const matches = timingSafeEqual(sha256(match?.[1] ?? ''), expectedDigest);
      return match !== null && matches;
    },
  };
}
