import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEndpoint, type Endpoint } from './dbs/endpoint.js';
import { parseNoProxy, parseProxyUrl, type ProxySettings } from './dbs/proxy.js';
import { isLoopbackAddress, parseHostPort } from './http-policy.js';

/** Server settings, read once at start-up from an environment object. */
export interface Config {
  regionId: string;
  endpointOverride: Endpoint | null;
  timeoutMs: number;
  maxAttempts: number;
  concurrency: number;
  /** Requests to the DBS endpoint on the wire at once, across all calls; default 16. */
  maxActiveRequests?: number;
  /** Outbound proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); default none. */
  proxy?: ProxySettings;
  /** Waits in progress at once, server-wide; default 50. One client may hold half of them. */
  maxWaits?: number;
  /** Requests per second that waits' looks may send, all waits together; default 60. */
  waitRate?: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const DEFAULT_REGION = 'cn-hangzhou';
/**
 * A region id as Alibaba Cloud writes them (cn-hangzhou, ap-southeast-1, cn-shanghai-finance-1): a place
 * code, a dash, then more. The tool schemas use it too, so a call and the start-up refuse the same values;
 * it is short because every tool list carries it.
 */
export const REGION_PATTERN = /^[a-z]+-[a-z0-9-]+$/;
const REGION_MAX_LENGTH = 64;

export function isRegionId(value: string): boolean {
  return value.length <= REGION_MAX_LENGTH && REGION_PATTERN.test(value);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** An empty string counts as unset: MCP bundle hosts pass "" for optional settings. */
function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = setting(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** DBS_MCP_LOG_LEVEL, on its own: the logger needs it before anything else can be reported. */
export function readLogLevel(env: Env): LogLevel {
  const raw = setting(env, 'DBS_MCP_LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`DBS_MCP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw.slice(0, 40)}"`);
  }
  return raw as LogLevel;
}

/** DBS_MCP_LOG_FORMAT, read first: even the message about a bad log level comes out in the chosen format. */
export function readLogFormat(env: Env): LogFormat {
  const raw = setting(env, 'DBS_MCP_LOG_FORMAT')?.toLowerCase() ?? 'text';
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) {
    throw new ConfigError(`DBS_MCP_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${raw.slice(0, 40)}"`);
  }
  return raw as LogFormat;
}

/** Where a note that changes nothing (a settings file that could not be read) may go. */
export interface ConfigNotes {
  debug(message: string): void;
}

/**
 * The region of the aliyun CLI profile the credentials chain uses (`ALIBABA_CLOUD_PROFILE`, else `current`).
 * A missing, unreadable or malformed file means no region: the file belongs to another tool.
 */
export function readProfileRegion(env: Env, notes?: ConfigNotes): { region: string; source: string } | undefined {
  if (setting(env, 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED')?.toLowerCase() === 'true') return undefined;
  const home = setting(env, 'HOME') ?? setting(env, 'USERPROFILE');
  if (home === undefined) return undefined;
  const file = join(home, '.aliyun', 'config.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') notes?.debug(`aliyun CLI config ${file} not used for the region: ${code ?? 'not JSON'}`);
    return undefined;
  }
  const config = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { current?: unknown; profiles?: unknown };
  const name = setting(env, 'ALIBABA_CLOUD_PROFILE') ?? config.current;
  const profiles: unknown[] = Array.isArray(config.profiles) ? config.profiles : [];
  const profile = profiles.find((p): p is { region_id?: unknown } => typeof p === 'object' && p !== null && (p as { name?: unknown }).name === name);
  const region = typeof profile?.region_id === 'string' ? profile.region_id.trim() : '';
  if (region === '') {
    notes?.debug(`aliyun CLI config ${file}: no region_id for profile ${JSON.stringify(name ?? null)}`);
    return undefined;
  }
  return { region, source: `region_id of aliyun CLI profile "${String(name)}" in ${file}` };
}

/** ALIBABA_CLOUD_REGION_ID, else the aliyun CLI profile's region_id, else cn-hangzhou. */
function readRegion(env: Env, notes?: ConfigNotes): string {
  const fromEnv = setting(env, 'ALIBABA_CLOUD_REGION_ID');
  const chosen = fromEnv === undefined ? readProfileRegion(env, notes) : { region: fromEnv, source: 'ALIBABA_CLOUD_REGION_ID' };
  if (chosen === undefined) return DEFAULT_REGION;
  if (!isRegionId(chosen.region)) {
    const value = chosen.region.slice(0, REGION_MAX_LENGTH + 1);
    throw new ConfigError(`${chosen.source} must look like cn-hangzhou or ap-southeast-1, got "${value}"`);
  }
  return chosen.region;
}

export function readConfig(env: Env, notes?: ConfigNotes): Config {
  const regionId = readRegion(env, notes);
  const endpointRaw = setting(env, 'ALIBABA_CLOUD_DBS_ENDPOINT');
  let endpointOverride: Endpoint | null = null;
  if (endpointRaw !== undefined) {
    try {
      endpointOverride = parseEndpoint(endpointRaw);
    } catch (error) {
      throw new ConfigError(`ALIBABA_CLOUD_DBS_ENDPOINT: ${(error as Error).message}`);
    }
    // Plain HTTP would carry the signed requests (key id, token) and the answers (download URLs) in clear.
    const insecure = endpointOverride.protocol === 'http' && !isLoopbackAddress(endpointOverride.host.replace(/:\d+$/, ''));
    if (insecure && setting(env, 'DBS_MCP_ALLOW_INSECURE_HTTP') !== '1') {
      throw new ConfigError(
        `ALIBABA_CLOUD_DBS_ENDPOINT: refusing plain http:// to ${endpointOverride.host}, which is not this machine: use https://, or set DBS_MCP_ALLOW_INSECURE_HTTP=1 if the network path is trusted`,
      );
    }
  }
  return {
    regionId,
    endpointOverride,
    // 10 s: a page of 100 tasks normally answers in well under a second.
    timeoutMs: integerSetting(env, 'DBS_MCP_TIMEOUT_MS', 10_000, 100, 600_000),
    maxAttempts: integerSetting(env, 'DBS_MCP_MAX_ATTEMPTS', 3, 1, 10),
    concurrency: integerSetting(env, 'DBS_MCP_CONCURRENCY', 4, 1, 16),
    // 16: four calls of four pages each at once, well under the API's per-account rate limits.
    maxActiveRequests: integerSetting(env, 'DBS_MCP_MAX_REQUESTS', 16, 1, 256),
    // 50 waits at one look per 10 s is 5 requests a second; the rate bounds a flood with short intervals.
    maxWaits: integerSetting(env, 'DBS_MCP_MAX_WAITS', 50, 1, 10_000),
    waitRate: integerSetting(env, 'DBS_MCP_WAIT_RATE', 60, 1, 1_000),
    proxy: readProxySettings(env),
  };
}

/** The lower-case name first, as curl reads proxy variables; its value and the name it came from. */
function proxyVariable(env: Env, name: string): { name: string; value: string } | undefined {
  for (const candidate of [name.toLowerCase(), name]) {
    const value = setting(env, candidate);
    if (value !== undefined) return { name: candidate, value };
  }
  return undefined;
}

function proxyUrlSetting(env: Env, name: string): URL | null {
  const found = proxyVariable(env, name);
  if (found === undefined) return null;
  try {
    return parseProxyUrl(found.value);
  } catch (error) {
    throw new ConfigError(`${found.name} ${(error as Error).message}`);
  }
}

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case): which requests go through which proxy. */
export function readProxySettings(env: Env): ProxySettings {
  return {
    https: proxyUrlSetting(env, 'HTTPS_PROXY'),
    http: proxyUrlSetting(env, 'HTTP_PROXY'),
    noProxy: parseNoProxy(proxyVariable(env, 'NO_PROXY')?.value ?? ''),
  };
}

/** Credential variables the default chain reads; "" must not shadow the next provider. */
const CREDENTIAL_VARIABLES = /^ALIBABA_CLOUD_/;

/** Removes empty `ALIBABA_CLOUD_*` variables so the credentials chain treats them as unset. */
export function dropEmptyCredentialVariables(env: Env): void {
  for (const name of Object.keys(env)) {
    if (CREDENTIAL_VARIABLES.test(name) && env[name]?.trim() === '') delete env[name];
  }
}

/** Settings of the Streamable HTTP mode, read only when it is asked for. */
export interface HttpConfig {
  /** Bearer token every request must carry; null: none (then only a loopback address may be used). */
  token: string | null;
  /**
   * Host header values accepted (`name` for any port, `name:port` for one); `*` accepts any.
   * null: the loopback names (localhost, 127.0.0.1, [::1]) plus the listen address.
   */
  allowedHosts: string[] | null;
  /** Origin header values accepted (`scheme://host[:port]`); null: http(s) origins on the loopback names. */
  allowedOrigins: string[] | null;
  /** How long in-flight requests may run after SIGTERM before they are cancelled. */
  shutdownGraceMs: number;
  /** A connection that has not sent a complete request head within this time is closed. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  idleTimeoutMs: number;
  /** Open connections, overall and from one address; more are closed at once. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

// A guessable token is no protection; 16 characters is the shortest `openssl rand -hex 8` gives.
const MIN_TOKEN_LENGTH = 16;
// 56 bits: a random 16-character hex token (64 bits) passes even with a short run in it by chance.
const MIN_TOKEN_BITS = 56;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** Bits a character of the token can carry, from the classes it draws on: hex, digits, letters, symbols. */
function bitsPerCharacter(token: string): number {
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) return Math.log2(/[a-fA-F]/.test(token) ? 16 : 10);
  let alphabet = 0;
  if (/[0-9]/.test(token)) alphabet += 10;
  if (/[a-z]/.test(token)) alphabet += 26;
  if (/[A-Z]/.test(token)) alphabet += 26;
  if (/[^0-9a-zA-Z]/.test(token)) alphabet += 32;
  return Math.log2(alphabet);
}

/**
 * An estimate of the token's strength in bits: characters that a guesser predicts carry nothing, namely
 * the third and later of a run (aaa, 123, cba) and the end of any three characters seen before (abcabc, 12341234).
 */
export function tokenStrengthBits(token: string): number {
  let counted = 0;
  for (let i = 0; i < token.length; i++) {
    const step = token.charCodeAt(i) - token.charCodeAt(i - 1);
    const run = i >= 2 && Math.abs(step) <= 1 && step === token.charCodeAt(i - 1) - token.charCodeAt(i - 2);
    const repeat = i >= 3 && token.slice(0, i - 1).includes(token.slice(i - 2, i + 1));
    if (!run && !repeat) counted++;
  }
  return counted * bitsPerCharacter(token);
}

function listSetting(env: Env, name: string): string[] | null {
  const raw = setting(env, name);
  if (raw === undefined) return null;
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? null : items;
}

function normaliseHostEntry(entry: string): string {
  if (entry === '*') return entry;
  const parsed = parseHostPort(entry);
  if (parsed === null) {
    throw new ConfigError(
      `DBS_MCP_ALLOWED_HOSTS: "${entry}" is not a host name or address with an optional port, e.g. mcp.example.com or mcp.example.com:8443`,
    );
  }
  return parsed.port === undefined ? parsed.hostname : `${parsed.hostname}:${parsed.port}`;
}

/** `https://chat.example.com`, `http://localhost:3000`: scheme, host and port only. */
function normaliseOriginEntry(entry: string): string {
  const url = URL.canParse(entry) ? new URL(entry) : null;
  const web = url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
  if (url === null || !web || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`DBS_MCP_ALLOWED_ORIGINS: "${entry}" is not an origin such as https://chat.example.com or http://localhost:3000`);
  }
  return url.origin;
}

export function readHttpConfig(env: Env): HttpConfig {
  const token = setting(env, 'DBS_MCP_HTTP_TOKEN') ?? null;
  // The message never quotes the value: it is a secret even when it is a bad one.
  if (token !== null && (token.length < MIN_TOKEN_LENGTH || !VISIBLE_ASCII.test(token) || tokenStrengthBits(token) < MIN_TOKEN_BITS)) {
    throw new ConfigError(
      `DBS_MCP_HTTP_TOKEN must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters without spaces and carry an estimated ${MIN_TOKEN_BITS} bits: ` +
        'each character counts by the classes the token uses (hex 4 bits, up to 6.6 with letters of both cases, digits and symbols), ' +
        'runs and repeats (aaaa..., 1234..., abcabc...) count nothing; e.g. openssl rand -hex 32',
    );
  }
  return {
    token,
    allowedHosts: listSetting(env, 'DBS_MCP_ALLOWED_HOSTS')?.map(normaliseHostEntry) ?? null,
    allowedOrigins: listSetting(env, 'DBS_MCP_ALLOWED_ORIGINS')?.map(normaliseOriginEntry) ?? null,
    // 5 s: a page answers in well under a second; longer calls are allPages sweeps worth cancelling.
    shutdownGraceMs: integerSetting(env, 'DBS_MCP_SHUTDOWN_GRACE_MS', 5_000, 0, 600_000),
    // 10 s: a client sends its request head in milliseconds; a slow one is holding a socket.
    headersTimeoutMs: integerSetting(env, 'DBS_MCP_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    idleTimeoutMs: integerSetting(env, 'DBS_MCP_HTTP_IDLE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: integerSetting(env, 'DBS_MCP_HTTP_MAX_CONNECTIONS', 512, 1, 100_000),
    maxConnectionsPerAddress: integerSetting(env, 'DBS_MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS', 64, 1, 100_000),
  };
}
