/**
 * The DBS client: signed RPC calls of the DBS API (2019-03-06), one function per operation over one
 * request path.
 *
 * Requests are built the way `@alicloud/openapi-client` builds an RPC call under ACS3-HMAC-SHA256
 * (same headers, same signature: see sign.ts), but sent with `node:http(s)` so that every attempt
 * can be aborted: `callApi` takes no abort signal, loses the HTTP status of non-JSON answers and
 * puts the full URL in its error messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { defaultCredentialChain, loadProviderClasses, type CredentialSource } from './credentials.js';
import { DbsError } from './errors.js';
import { createRequestLimiter } from './limiter.js';
import { pageOf, parseAnswer, type ApiAnswer, type RawPage } from './page.js';
import { decodedPassword, describeProxy, DIRECT, loadProxyAgents, proxyAgent, proxyFor, type ProxySettings } from './proxy.js';
import { authorization, canonicalQuery } from './sign.js';
import { rememberSecret, rememberSignature } from '../redact.js';
import { isoSeconds } from '../time.js';
import type { Endpoint } from './endpoint.js';

export type { CredentialSource, Credentials } from './credentials.js';
export type { ProxySettings } from './proxy.js';

export const DOWNLOAD_TASK_ACTION = 'DescribeBackupSetDownloadTaskList';
export const BACKUP_PLAN_ACTION = 'DescribeBackupPlanList';
export const API_VERSION = '2019-03-06';
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');
// Far above any real page: a larger answer is not DBS speaking.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface PageRequest {
  backupPlanId?: string | undefined;
  backupSetDownloadTaskId?: string | undefined;
  pageSize: number;
  /** Zero-based. */
  pageNum: number;
  clientToken?: string | undefined;
}

export interface PlanPageRequest {
  /** One plan id, or several joined by commas. */
  backupPlanId?: string | undefined;
  backupPlanName?: string | undefined;
  backupPlanStatus?: string | undefined;
  /** The DBS region of the plans. */
  region: string;
  pageSize: number;
  /** Zero-based. */
  pageNum: number;
}

export interface PageResult extends RawPage {
  /** Attempts it took, 1 when the first one answered. */
  attempts: number;
}

export interface RetryNotice {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: DbsError;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  onRetry?: ((notice: RetryNotice) => void) | undefined;
}

export interface DbsClient {
  /** One page of DescribeBackupSetDownloadTaskList. */
  describePage(endpoint: Endpoint, request: PageRequest, options?: CallOptions): Promise<PageResult>;
  /** One page of DescribeBackupPlanList. */
  describePlanPage(endpoint: Endpoint, request: PlanPageRequest, options?: CallOptions): Promise<PageResult>;
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

function defaultBackoff(attempt: number): number {
  // 250 ms, 500 ms, 1 s, ... capped at 4 s, with full jitter so concurrent pages do not retry in step.
  const ceiling = Math.min(4_000, 250 * 2 ** (attempt - 2));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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

function cancelled(): DbsError {
  return new DbsError('Cancelled', 'the call was cancelled before the endpoint answered');
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** OpenSSL's verdicts on a certificate chain: sending the same request again cannot change them. */
const CERTIFICATE_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by a CA this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by a CA this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by a CA this machine does not trust',
  CERT_UNTRUSTED: 'not trusted',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not valid yet',
  CERT_REVOKED: 'revoked',
  CERT_SIGNATURE_FAILURE: 'bad signature',
  ERR_TLS_CERT_ALTNAME_INVALID: 'issued for another host name',
};

/** Why a TLS handshake refused a certificate, or undefined when the failure was something else. */
function certificateProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : CERTIFICATE_CODES[code];
}

/** The variable that names the proxy for this endpoint, as the user would look for it. */
function proxyVariable(endpoint: Endpoint): string {
  return endpoint.protocol === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
}

/** A CONNECT the proxy did not grant (or a 407 from a forwarding proxy); 407 and 403 will not change by retrying. */
function proxyRefusal(endpoint: Endpoint, proxy: URL, status: number, statusText: string | undefined): DbsError {
  const name = describeProxy(proxy);
  const answer = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 407) {
    const what = proxy.username || proxy.password ? `did not accept the user name and password in ${proxyVariable(endpoint)}` : `asks for a user name and password, and ${proxyVariable(endpoint)} has none`;
    return new DbsError('ProxyError', `the proxy ${name} ${what} (${answer})`, { httpStatus: status });
  }
  return new DbsError('ProxyError', `the proxy ${name} refused the connection to ${endpoint.host} (${answer})`, {
    httpStatus: status,
    retryable: status >= 500,
  });
}

/** DescribeBackupSetDownloadTaskList's parameters; empty values would go out as `Key=` and break the signature. */
function downloadTaskQuery(request: PageRequest): Record<string, string> {
  const query: Record<string, string> = {
    PageSize: String(request.pageSize),
    PageNum: String(request.pageNum),
  };
  if (request.backupPlanId) query.BackupPlanId = request.backupPlanId;
  if (request.backupSetDownloadTaskId) query.BackupSetDownloadTaskId = request.backupSetDownloadTaskId;
  if (request.clientToken) query.ClientToken = request.clientToken;
  return query;
}

/** DescribeBackupPlanList's parameters, empty ones left out for the same reason. */
function backupPlanQuery(request: PlanPageRequest): Record<string, string> {
  const query: Record<string, string> = {
    Region: request.region,
    PageSize: String(request.pageSize),
    PageNum: String(request.pageNum),
  };
  if (request.backupPlanId) query.BackupPlanId = request.backupPlanId;
  if (request.backupPlanName) query.BackupPlanName = request.backupPlanName;
  if (request.backupPlanStatus) query.BackupPlanStatus = request.backupPlanStatus;
  return query;
}

export function createDbsClient(options: ClientOptions): DbsClient {
  const credentials = options.credentials ?? defaultCredentialChain();
  const backoff = options.backoffMs ?? defaultBackoff;
  const userAgent = options.userAgent ?? 'dbs-backup-mcp';
  const limiter = createRequestLimiter(options.maxActiveRequests ?? 16, options.maxWaitingRequests ?? 10_000);
  const proxySettings = options.proxy ?? DIRECT;
  // A proxy's error page could echo its password back; redaction removes it by value.
  for (const proxy of [proxySettings.https, proxySettings.http]) if (proxy) rememberSecret(decodedPassword(proxy));
  // Keep-alive saves a TCP (and TLS) handshake per page; an aborted request destroys its socket.
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  /**
   * One attempt under its own deadline, which covers a credentials provider that hangs (STS, ECS
   * metadata) too. The deadline starts once the request has a slot, not while it waits for one.
   */
  async function attempt(endpoint: Endpoint, action: string, query: Record<string, string>, signal: AbortSignal | undefined): Promise<ApiAnswer> {
    const release = await limiter.acquire(signal, cancelled);
    try {
      return await attemptWithSlot(endpoint, action, query, signal);
    } finally {
      release();
    }
  }

  async function attemptWithSlot(endpoint: Endpoint, action: string, query: Record<string, string>, signal: AbortSignal | undefined): Promise<ApiAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onCallAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onCallAbort, { once: true });
    try {
      return await send(endpoint, action, query, signal, controller.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallAbort);
    }
  }

  async function send(
    endpoint: Endpoint,
    action: string,
    query: Record<string, string>,
    signal: AbortSignal | undefined,
    combined: AbortSignal,
    timedOut: () => boolean,
  ): Promise<ApiAnswer> {
    if (signal?.aborted) throw cancelled();
    const creds = await abortable(credentials(), combined, () =>
      signal?.aborted
        ? cancelled()
        : new DbsError('Timeout', `the credentials provider did not answer within ${options.timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, { retryable: true }),
    );
    const headers: Record<string, string> = {
      host: endpoint.host,
      'x-acs-version': API_VERSION,
      'x-acs-action': action,
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
    headers.authorization = authorization({ method: 'POST', query, headers, bodySha256: EMPTY_BODY_SHA256 }, creds.accessKeyId, creds.accessKeySecret);
    // An upstream may echo any of these back; redaction removes them by value wherever they show up.
    rememberSecret(creds.accessKeySecret);
    rememberSecret(creds.securityToken);
    rememberSignature(headers.authorization.slice(headers.authorization.lastIndexOf('=') + 1));

    const transport = endpoint.protocol === 'https' ? https : http;
    const [hostname, port] = splitHost(endpoint.host);
    const proxy = proxyFor(endpoint, proxySettings);
    const agent = proxy ? await proxyAgent(proxy, endpoint, combined) : agents[endpoint.protocol];

    return new Promise<ApiAnswer>((resolve, reject) => {
      /** The proxy's answer to CONNECT; until it is 200, a failure is the proxy's. */
      let tunnel: { statusCode?: number; statusText?: string } | undefined;
      const failWith = (error: unknown): void => {
        if (signal?.aborted) return reject(cancelled());
        if (timedOut()) {
          const via = proxy && tunnel === undefined ? ` through the proxy ${describeProxy(proxy)}` : '';
          return reject(
            new DbsError('Timeout', `no complete answer from ${endpoint.host}${via} within ${options.timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, {
              retryable: true,
            }),
          );
        }
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        const problem = certificateProblem(error);
        if (problem !== undefined) {
          const whose = proxy && tunnel === undefined && proxy.protocol === 'https:' ? `the proxy ${describeProxy(proxy)}` : endpoint.host;
          return reject(new DbsError('CertificateError', `the TLS certificate of ${whose} was refused: ${problem} (${code})`));
        }
        const reason = code && NETWORK_CODES.has(code) ? code : code ?? 'connection failed';
        if (proxy && tunnel === undefined) {
          return reject(new DbsError('ProxyError', `could not reach the proxy ${describeProxy(proxy)} (${proxyVariable(endpoint)}): ${reason}`, { retryable: true }));
        }
        reject(new DbsError('NetworkError', `could not talk to ${endpoint.host}${proxy ? ` through the proxy ${describeProxy(proxy)}` : ''}: ${reason}`, { retryable: true }));
      };
      const req = transport.request(
        {
          hostname,
          port,
          method: 'POST',
          path: `/?${canonicalQuery(query)}`,
          headers: { ...headers, 'content-length': '0' },
          agent,
          signal: combined,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const refuse = (error: DbsError): void => {
            // Rejected first: the destroyed socket's own error must not turn this into a retryable failure.
            reject(error);
            res.destroy();
          };
          // A refused CONNECT arrives as an ordinary response carrying the proxy's status; a forwarding proxy answers 407 itself.
          const refusedWith = tunnel?.statusCode !== undefined && tunnel.statusCode !== 200 ? tunnel.statusCode : proxy && status === 407 ? 407 : undefined;
          if (proxy && refusedWith !== undefined) return refuse(proxyRefusal(endpoint, proxy, refusedWith, tunnel?.statusText ?? res.statusMessage));
          if (status >= 300 && status < 400) return refuse(redirectError(endpoint.host, status, res.headers.location));
          const tooLarge = (): DbsError =>
            new DbsError('BadResponse', `the answer from ${endpoint.host} exceeded ${MAX_BODY_BYTES} bytes`, { httpStatus: status });
          if (Number(res.headers['content-length']) > MAX_BODY_BYTES) return refuse(tooLarge());
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) return refuse(tooLarge());
            chunks.push(chunk);
          });
          res.on('error', failWith);
          res.on('aborted', () => failWith(undefined));
          res.on('end', () => {
            if (!res.complete) return failWith(Object.assign(new Error('incomplete'), { code: 'ECONNRESET' }));
            try {
              resolve(parseAnswer(res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks).toString('utf8')));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('proxyConnect', (answer: { statusCode?: number; statusText?: string }) => {
        tunnel = answer;
      });
      req.on('error', failWith);
      req.end();
    });
  }

  /** One operation with retries: attempts with backoff until one answers, a failure is final, or the call is cancelled. */
  async function call(endpoint: Endpoint, action: string, query: Record<string, string>, callOptions: CallOptions = {}): Promise<ApiAnswer & { attempts: number }> {
    const { signal, onRetry } = callOptions;
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw cancelled();
      try {
        return { ...(await attempt(endpoint, action, query, signal)), attempts: n };
      } catch (raw) {
        const error = raw instanceof DbsError ? raw : new DbsError('UnexpectedError', 'the request failed unexpectedly');
        error.attempts = n;
        if (!error.retryable || n >= options.maxAttempts || signal?.aborted) {
          if (signal?.aborted && error.code !== 'Cancelled') throw cancelled();
          throw error;
        }
        const delayMs = backoff(n + 1);
        onRetry?.({ attempt: n + 1, maxAttempts: options.maxAttempts, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  }

  return {
    async warmUp() {
      // A failure here shows up again, with its context, in the call that needs the module.
      if (!options.credentials) await loadProviderClasses().catch(() => undefined);
      if (proxySettings.https || proxySettings.http) await loadProxyAgents().catch(() => undefined);
    },
    async describePage(endpoint, request, callOptions) {
      const answer = await call(endpoint, DOWNLOAD_TASK_ACTION, downloadTaskQuery(request), callOptions);
      return { ...pageOf(answer, 'BackupSetDownloadTaskDetail', 'BackupSetDownloadTaskId', request.pageSize), attempts: answer.attempts };
    },
    async describePlanPage(endpoint, request, callOptions) {
      const answer = await call(endpoint, BACKUP_PLAN_ACTION, backupPlanQuery(request), callOptions);
      return { ...pageOf(answer, 'BackupPlanDetail', 'BackupPlanId', request.pageSize), attempts: answer.attempts };
    },
    busy: () => limiter.full(),
    load: () => limiter.load(),
  };
}

/** DBS never redirects: a 3xx comes from something in between, and following it would send the signed request elsewhere. */
function redirectError(host: string, status: number, location: string | undefined): DbsError {
  let target = 'no Location';
  if (location !== undefined) {
    try {
      target = new URL(location, `https://${host}/`).host.slice(0, 255) || 'an unnamed host';
    } catch {
      target = 'an invalid Location';
    }
  }
  return new DbsError('BadResponse', `the endpoint ${host} answered HTTP ${status}, a redirect to ${target}; it is not followed`, { httpStatus: status });
}

function splitHost(host: string): [string, number | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? host;
  return [name.replace(/^\[|\]$/g, ''), match?.[2] === undefined ? undefined : Number(match[2])];
}
