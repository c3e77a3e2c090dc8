/**
 * The DBS client: any operation of the table in operations.ts over one signed request path
 * (transport.ts), with retries (retry.ts) under a server-wide limit on requests in flight.
 */
import http from 'node:http';
import https from 'node:https';
import { defaultCredentialChain, loadProviderClasses, type CredentialSource } from './credentials.js';
import { cancelled } from './failures.js';
import { createRequestLimiter } from './limiter.js';
import { decodedPassword, DIRECT, loadProxyAgents, type ProxySettings } from './proxy.js';
import { defaultBackoff, withRetries, type RetryNotice } from './retry.js';
import { sendOnce, type TransportSettings } from './transport.js';
import { rememberSecret } from '../redact.js';
import type { Endpoint } from './endpoint.js';
import type { Operation } from './operations.js';

export type { CredentialSource, Credentials } from './credentials.js';
export type { Operation } from './operations.js';
export type { ProxySettings } from './proxy.js';
export type { RetryNotice } from './retry.js';

export interface CallOptions {
  endpoint: Endpoint;
  signal?: AbortSignal | undefined;
  onRetry?: ((notice: RetryNotice) => void) | undefined;
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
}

// Shorter values would be redacted inside ordinary words.
const PROXY_PASSWORD_MIN = 4;

export function createDbsClient(options: ClientOptions): DbsClient {
  const limiter = createRequestLimiter(options.maxActiveRequests ?? 16, options.maxWaitingRequests ?? 10_000);
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
    async call(operation, params, { endpoint, signal, onRetry }) {
      const request = { endpoint, action: operation.action, query: operation.query(params), urlFields: operation.urlFields, signal };
      const answer = await withRetries(
        async () => {
          // The attempt's deadline starts once it has a slot, not while it waits for one.
          const release = await limiter.acquire(signal, cancelled);
          try {
            return await sendOnce(settings, request);
          } finally {
            release();
          }
        },
        policy,
        signal,
        onRetry,
      );
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
