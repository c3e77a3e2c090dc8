/**
 * The outbound proxy: which requests go through it (curl's rules for HTTPS_PROXY, HTTP_PROXY and
 * NO_PROXY) and the agents that tunnel them (https-proxy-agent, http-proxy-agent).
 */
import type { Agent } from 'node:http';
import type * as HttpProxyAgentModule from 'http-proxy-agent';
import type * as HttpsProxyAgentModule from 'https-proxy-agent';
import { isLoopbackAddress } from '../http-policy.js';
import type { Endpoint } from './endpoint.js';

export interface ProxySettings {
  /** Proxy for https:// endpoints (`https_proxy`, then `HTTPS_PROXY`); null: none. */
  https: URL | null;
  /** Proxy for http:// endpoints (`http_proxy`, then `HTTP_PROXY`); null: none. */
  http: URL | null;
  /** `NO_PROXY` entries, lower-case: `host`, `.domain`, `host:port`, or `*` for every host. */
  noProxy: string[];
}

/** No proxy: every request connects directly. */
export const DIRECT: ProxySettings = { https: null, http: null, noProxy: [] };

/** The proxy's scheme, host and port: never its user name or password. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * Parses a proxy variable's value as curl does: a bare `host:port` means `http://`. Throws with a
 * message that never quotes the value, which may hold a password.
 */
export function parseProxyUrl(value: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : null;
  if (url === null || url.hostname === '') {
    throw new Error('is not a proxy URL such as http://proxy.example.com:3128 or http://user:password@proxy.example.com:3128');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`uses ${url.protocol.slice(0, -1)}, but only http:// and https:// proxies are supported`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new Error(`(${describeProxy(url)}) has a path or query; give scheme, host and port only`);
  }
  if (decodedPassword(url) === undefined || safeDecode(url.username) === undefined) {
    throw new Error(`(${describeProxy(url)}) has a user name or password with a bad %-escape; write @ as %40, : as %3A, % as %25`);
  }
  return url;
}

/** `text` percent-decoded, or undefined when an escape is bad. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The proxy password as the proxy receives it (the URL keeps it percent-encoded); undefined if it cannot be decoded. */
export function decodedPassword(proxy: URL): string | undefined {
  return safeDecode(proxy.password);
}

/** Splits NO_PROXY into entries: commas or spaces between them, case ignored. */
export function parseNoProxy(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

function hostAndPort(endpoint: Endpoint): { hostname: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(endpoint.host);
  const hostname = (match?.[1] ?? endpoint.host).replace(/^\[|\]$/g, '').toLowerCase();
  const port = match?.[2] === undefined ? (endpoint.protocol === 'https' ? 443 : 80) : Number(match[2]);
  return { hostname, port };
}

/** curl's NO_PROXY rule: `*` matches every host; an entry matches that host and every host under it (a leading `.` or `*.` changes nothing); `:port` narrows it to that port. */
function bypasses(entry: string, hostname: string, port: number): boolean {
  if (entry === '*') return true;
  const { name, entryPort } = splitEntry(entry);
  if (entryPort !== undefined && entryPort !== port) return false;
  const domain = name.replace(/^\*?\.+/, '');
  return domain !== '' && (hostname === domain || hostname.endsWith(`.${domain}`));
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address (its colons are not a port). */
function splitEntry(entry: string): { name: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, ...(bracketed[2] ? { entryPort: Number(bracketed[2]) } : {}) };
  if (entry.indexOf(':') !== entry.lastIndexOf(':')) return { name: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort ? { name: withPort[1]!, entryPort: Number(withPort[2]) } : { name: entry };
}

/**
 * The proxy a request to `endpoint` goes through, or null for a direct connection. A loopback
 * endpoint is never proxied, whatever NO_PROXY says: the signed request (STS token included) would
 * leave the machine, in clear for an http:// endpoint.
 */
export function proxyFor(endpoint: Endpoint, settings: ProxySettings): URL | null {
  const proxy = settings[endpoint.protocol];
  if (proxy === null) return null;
  const { hostname, port } = hostAndPort(endpoint);
  if (isLoopbackAddress(hostname)) return null;
  return settings.noProxy.some((entry) => bypasses(entry, hostname, port)) ? null : proxy;
}

/**
 * The agent libraries log the proxy URL, user and password included, and request headers through
 * `debug`, which reads DEBUG once, when it loads: clear it before they do.
 */
function withoutLibraryDebugLogs(): void {
  delete process.env.DEBUG;
}

type AgentLibraries = [typeof HttpsProxyAgentModule, typeof HttpProxyAgentModule];
let libraries: Promise<AgentLibraries> | undefined;

/** Loaded on first use: a server without a proxy never pays for them. */
function loadAgentLibraries(): Promise<AgentLibraries> {
  withoutLibraryDebugLogs();
  libraries ??= Promise.all([import('https-proxy-agent'), import('http-proxy-agent')]);
  return libraries;
}

/** Loads the agent libraries ahead of the first call that needs them. */
export async function loadProxyAgents(): Promise<void> {
  await loadAgentLibraries();
}

/**
 * An agent for one request through `proxy`. `signal` destroys the socket to the proxy at any stage:
 * the libraries leave a socket whose CONNECT is still unanswered open when the request is aborted.
 * One agent per request, so no tunnel outlives its request; CONNECT answers other than 200 come back
 * as the request's `proxyConnect` event (see the client). The TLS trust store stays Node's own, so
 * NODE_EXTRA_CA_CERTS applies through the tunnel.
 */
export async function proxyAgent(proxy: URL, endpoint: Endpoint, signal: AbortSignal): Promise<Agent> {
  const [{ HttpsProxyAgent }, { HttpProxyAgent }] = await loadAgentLibraries();
  const options = { keepAlive: false, signal };
  return endpoint.protocol === 'https' ? new HttpsProxyAgent(proxy, options) : new HttpProxyAgent(proxy, options);
}
