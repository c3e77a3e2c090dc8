/**
 * One signed HTTP attempt of a DBS RPC call (2019-03-06), under its own deadline.
 *
 * Requests are built the way `@alicloud/openapi-client` builds an RPC call under ACS3-HMAC-SHA256
 * (same headers, same signature: see sign.ts), but sent with `node:http(s)` so that every attempt
 * can be aborted: `callApi` takes no abort signal, loses the HTTP status of non-JSON answers and
 * puts the full URL in its error messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { attemptFailure, cancelled, credentialsFailure, proxyRefusal, redirectError, tooLarge } from './failures.js';
import { parseAnswer, type ApiAnswer } from './page.js';
import { proxyAgent, proxyFor, type ProxySettings } from './proxy.js';
import { authorization, canonicalQuery } from './sign.js';
import { rememberSecret, rememberSignature } from '../redact.js';
import { isoSeconds } from '../time.js';
import type { Credentials, CredentialSource } from './credentials.js';
import type { DbsError } from './errors.js';
import type { Endpoint } from './endpoint.js';

export const API_VERSION = '2019-03-06';
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');
// Far above any real page: a larger answer is not DBS speaking.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What every attempt of a client shares. */
export interface TransportSettings {
  credentials: CredentialSource;
  userAgent: string;
  timeoutMs: number;
  proxy: ProxySettings;
  /** Keep-alive agents for direct connections. */
  agents: { http: http.Agent; https: https.Agent };
}

/** One request: where, which action, its query, and the answer's fields that hold download URLs. */
export interface SignedRequest {
  endpoint: Endpoint;
  action: string;
  query: Record<string, string>;
  urlFields: readonly string[];
  signal: AbortSignal | undefined;
}

/** Settles with `promise`, or rejects with `reason()` as soon as `signal` aborts (the work itself cannot be stopped). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, reason: () => DbsError): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * One attempt under its own deadline, which covers a credentials provider that hangs (STS, ECS
 * metadata) too. The caller starts it once the request has a slot, not while it waits for one.
 */
export async function sendOnce(settings: TransportSettings, request: SignedRequest): Promise<ApiAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const onCallAbort = (): void => controller.abort();
  request.signal?.addEventListener('abort', onCallAbort, { once: true });
  try {
    return await send(settings, request, controller.signal, () => timedOut);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onCallAbort);
  }
}

/** The request's headers, signed; the secrets they carry are remembered for redaction. */
function signedHeaders(request: SignedRequest, creds: Credentials, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    host: request.endpoint.host,
    'x-acs-version': API_VERSION,
    'x-acs-action': request.action,
    'user-agent': userAgent,
    'x-acs-date': isoSeconds(Date.now()),
    'x-acs-signature-nonce': randomUUID(),
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
  };
  if (creds.providerName) headers['x-acs-credentials-provider'] = creds.providerName;
  if (creds.securityToken) {
    headers['x-acs-accesskey-id'] = creds.accessKeyId;
    headers['x-acs-security-token'] = creds.securityToken;
  }
  headers.authorization = authorization(
    { method: 'POST', query: request.query, headers, bodySha256: EMPTY_BODY_SHA256 },
    creds.accessKeyId,
    creds.accessKeySecret,
  );
  // An upstream may echo any of these back; redaction removes them by value wherever they show up.
  rememberSecret(creds.accessKeySecret);
  rememberSecret(creds.securityToken);
  rememberSignature(headers.authorization.slice(headers.authorization.lastIndexOf('=') + 1));
  return headers;
}

async function send(settings: TransportSettings, request: SignedRequest, combined: AbortSignal, timedOut: () => boolean): Promise<ApiAnswer> {
  const { signal, endpoint } = request;
  if (signal?.aborted) throw cancelled();
  const creds = await abortable(settings.credentials(), combined, () => credentialsFailure(signal?.aborted ?? false, settings.timeoutMs));
  const headers = signedHeaders(request, creds, settings.userAgent);
  const proxy = proxyFor(endpoint, settings.proxy);
  const agent = proxy ? await proxyAgent(proxy, endpoint, combined) : settings.agents[endpoint.protocol];
  const exchange: Exchange = { request, headers, proxy, agent, combined, timedOut, timeoutMs: settings.timeoutMs };
  return new Promise<ApiAnswer>((resolve, reject) => exchangeOnce(exchange, resolve, reject));
}

interface Exchange {
  request: SignedRequest;
  headers: Record<string, string>;
  proxy: URL | null;
  agent: http.Agent;
  /** The call's cancellation and the attempt's deadline together. */
  combined: AbortSignal;
  timedOut: () => boolean;
  timeoutMs: number;
}

/** The proxy's answer to CONNECT, as the agent libraries report it. */
interface TunnelAnswer {
  statusCode?: number;
  statusText?: string;
}

function exchangeOnce(exchange: Exchange, resolve: (answer: ApiAnswer) => void, reject: (error: unknown) => void): void {
  const { request, proxy } = exchange;
  const { endpoint } = request;
  /** Until the proxy answers CONNECT with 200, a failure is the proxy's. */
  let tunnel: TunnelAnswer | undefined;
  const failWith = (error: unknown): void =>
    reject(
      attemptFailure(error, {
        endpoint,
        proxy,
        beforeTunnel: tunnel === undefined,
        cancelled: request.signal?.aborted ?? false,
        timedOut: exchange.timedOut(),
        timeoutMs: exchange.timeoutMs,
      }),
    );
  const [hostname, port] = splitHost(endpoint.host);
  const transport = endpoint.protocol === 'https' ? https : http;
  const options = { hostname, port, method: 'POST', path: `/?${canonicalQuery(request.query)}`, headers: { ...exchange.headers, 'content-length': '0' } };
  const req = transport.request({ ...options, agent: exchange.agent, signal: exchange.combined }, (res) => {
    const refuse = (error: DbsError): void => {
      // Rejected first: the destroyed socket's own error must not turn this into a retryable failure.
      reject(error);
      res.destroy();
    };
    const refusal = refusalOf(res, tunnel, endpoint, proxy);
    if (refusal) return refuse(refusal);
    readBody(res, endpoint.host, refuse, failWith, (text) => {
      try {
        resolve(parseAnswer(res.statusCode ?? 0, res.headers['content-type'], text, request.urlFields));
      } catch (error) {
        reject(error);
      }
    });
  });
  req.on('proxyConnect', (answer: TunnelAnswer) => {
    tunnel = answer;
  });
  req.on('error', failWith);
  req.end();
}

/** An answer that is not DBS speaking, judged by its status line alone: a proxy's refusal or a redirect. */
function refusalOf(res: IncomingMessage, tunnel: TunnelAnswer | undefined, endpoint: Endpoint, proxy: URL | null): DbsError | undefined {
  const status = res.statusCode ?? 0;
  // A refused CONNECT arrives as an ordinary response carrying the proxy's status; a forwarding proxy answers 407 itself.
  const refusedWith = tunnel?.statusCode !== undefined && tunnel.statusCode !== 200 ? tunnel.statusCode : proxy && status === 407 ? 407 : undefined;
  if (proxy && refusedWith !== undefined) return proxyRefusal(endpoint, proxy, refusedWith, tunnel?.statusText ?? res.statusMessage);
  if (status >= 300 && status < 400) return redirectError(endpoint.host, status, res.headers.location);
  return undefined;
}

/** Reads the body whole as UTF-8, refusing it past MAX_BODY_BYTES; a body cut short is a network failure. */
function readBody(
  res: IncomingMessage,
  host: string,
  refuse: (error: DbsError) => void,
  failWith: (error: unknown) => void,
  done: (text: string) => void,
): void {
  const status = res.statusCode ?? 0;
  if (Number(res.headers['content-length']) > MAX_BODY_BYTES) return refuse(tooLarge(host, status, MAX_BODY_BYTES));
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return refuse(tooLarge(host, status, MAX_BODY_BYTES));
    chunks.push(chunk);
  });
  res.on('error', failWith);
  res.on('aborted', () => failWith(undefined));
  res.on('end', () => {
    if (!res.complete) return failWith(Object.assign(new Error('incomplete'), { code: 'ECONNRESET' }));
    done(Buffer.concat(chunks).toString('utf8'));
  });
}

function splitHost(host: string): [string, number | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? host;
  return [name.replace(/^\[|\]$/g, ''), match?.[2] === undefined ? undefined : Number(match[2])];
}
