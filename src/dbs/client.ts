/**
 * The DBS client: any operation of the table in operations.ts over one signed request path
 * (transport.ts), with retries (retry.ts) under a server-wide limit on requests in flight.
 */
import http from 'node:http';
import https from 'node:https';
import { defaultCredentialChain, loadProviderClasses, type CredentialSource } from './credentials.js';
import { cancelled } from './failures.js';
import { createRequestLimiter, type BackgroundLane, type Lane, type RequestLimiter } from './limiter.js';
import { decodedPassword, DIRECT, loadProxyAgents, type ProxySettings } from './proxy.js';
import { defaultBackoff, withRetries, type RetryNotice } from './retry.js';
import { sendOnce, type SignedRequest, type TransportSettings } from './transport.js';
import { DbsError } from './errors.js';
import { rememberSecret } from '../redact.js';
import type { Endpoint } from './endpoint.js';
import type { ApiAnswer } from './page.js';
import type { Operation } from './operations.js';

export type { CredentialSource, Credentials } from './credentials.js';
export type { Operation } from './operations.js';
export type { ProxySettings } from './proxy.js';
export type { RetryNotice } from './retry.js';

export interface CallOptions {
  endpoint: Endpoint;
  signal?: AbortSignal | undefined;
  onRetry?: ((notice: RetryNotice) => void) | undefined;
  /** Epoch ms that bounds the whole call: waiting for a slot, every attempt and every backoff. */
  deadline?: number | undefined;
  /** `background` for requests nobody is waiting on right now (a wait's looks): paced, and served after interactive ones. */
  lane?: Lane | undefined;
}

export interface DbsClient {
  /** One call of `operation`, retried while its failures are transient. */
  call<P, R>(operation: Operation<P, R>, params: P, options: CallOptions): Promise<R>;
  /** Loads what the first call would otherwise load (the credentials SDK), so that call is not the slow one. */
  warmUp?(): Promise<void>;
  /** True while new requests would be refused as Busy (the queue of waiting requests is full). */
  busy?(): boolean;
  /** Requests on the wire and requests waiting for a slot, server-wide. */
  load?(): { active: number; waiting: number };
}

export interface ClientOptions {
  timeoutMs: number;
  maxAttempts: number;
  credentials?: CredentialSource;
  /** Backoff before attempt n (n >= 2); defaults to exponential with full jitter. */
  backoffMs?: (attempt: number) => number;
  userAgent?: string;
  /** Requests on the wire at once, server-wide; default 16. */
  maxActiveRequests?: number;
  /** Requests waiting for a slot before new ones are refused as Busy; default 10,000. */
  maxWaitingRequests?: number;
  /** Outbound proxy, as read from the environment; default none. */
  proxy?: ProxySettings;
  /** Background requests (a wait's looks) started per second, at most; default 60. They hold at most half the slots. */
  backgroundPerSecond?: number;
}

const DEFAULT_BACKGROUND_PER_SECOND = 60;

const outOfTime = (host: string): DbsError => new DbsError('Timeout', `no answer from ${host} before the call's own deadline`, { retryable: true });

/** An abort signal for the call's cancellation and its deadline together; the reason tells which. */
function boundedSignal(signal: AbortSignal | undefined, deadline: number | undefined): AbortSignal | undefined {
  if (deadline === undefined) return signal;
  const timeout = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** One attempt: a slot in its lane within the deadline, then one request whose timeout ends by the deadline too. */
async function attemptOnce(limiter: RequestLimiter, settings: TransportSettings, request: SignedRequest, options: CallOptions): Promise<ApiAnswer> {
  const { deadline, signal } = options;
  const host = request.endpoint.host;
  if (deadline !== undefined && Date.now() >= deadline) throw outOfTime(host);
  const reason = (): DbsError => (signal?.aborted ? cancelled() : outOfTime(host));
  // The attempt's deadline starts once it has a slot, not while it waits for one.
  const release = await limiter.acquire(boundedSignal(signal, deadline), reason, options.lane);
  try {
    const left = deadline === undefined ? Infinity : deadline - Date.now();
    if (left <= 0) throw outOfTime(host);
    return await sendOnce(left < settings.timeoutMs ? { ...settings, timeoutMs: Math.ceil(left) } : settings, request);
  } finally {
    release();
  }
}

// Shorter values would be redacted inside ordinary words.
const PROXY_PASSWORD_MIN = 4;

export function createDbsClient(options: ClientOptions): DbsClient {
  const maxActive = options.maxActiveRequests ?? 16;
  const background: BackgroundLane = { maxActive: Math.ceil(maxActive / 2), perSecond: options.backgroundPerSecond ?? DEFAULT_BACKGROUND_PER_SECOND };
  const limiter = createRequestLimiter(maxActive, options.maxWaitingRequests ?? 10_000, background);
  const proxy = options.proxy ?? DIRECT;
  // A proxy's error page could echo its password back; redaction removes it by value, in both its
  // forms, short ones too (a proxy's own reason phrase is cleared of any length: see failures.ts).
  for (const url of [proxy.https, proxy.http]) {
    if (url) for (const password of [url.password, decodedPassword(url)]) rememberSecret(password, PROXY_PASSWORD_MIN);
  }
  const settings: TransportSettings = {
    credentials: options.credentials ?? defaultCredentialChain(),
    userAgent: options.userAgent ?? 'dbs-backup-mcp',
    timeoutMs: options.timeoutMs,
    proxy,
    // Keep-alive saves a TCP (and TLS) handshake per page; an aborted request destroys its socket.
    agents: { http: new http.Agent({ keepAlive: true, maxSockets: 32 }), https: new https.Agent({ keepAlive: true, maxSockets: 32 }) },
  };
  const policy = { maxAttempts: options.maxAttempts, backoffMs: options.backoffMs ?? defaultBackoff };

  return {
    async call(operation, params, options) {
      const { endpoint, signal, onRetry, deadline } = options;
      const request = { endpoint, action: operation.action, query: operation.query(params), urlFields: operation.urlFields, signal };
      const answer = await withRetries(() => attemptOnce(limiter, settings, request, options), { ...policy, deadline }, signal, onRetry);
      return operation.parse(answer, params);
    },
    async warmUp() {
      // A failure here shows up again, with its context, in the call that needs the module.
      if (!options.credentials) await loadProviderClasses().catch(() => undefined);
      if (proxy.https || proxy.http) await loadProxyAgents().catch(() => undefined);
    },
    busy: () => limiter.full(),
    load: () => limiter.load(),
  };
}
