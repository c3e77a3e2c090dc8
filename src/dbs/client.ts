/**
 * The DBS client: the one module that imports `@alicloud/*`.
 *
 * Requests are built and signed the way `@alicloud/openapi-client` does for an RPC call under
 * ACS3-HMAC-SHA256 (same headers, same `getAuthorization` from `@alicloud/openapi-util`), but sent
 * with `node:http(s)` so that every attempt can be aborted: `callApi` takes no abort signal, loses
 * the HTTP status of non-JSON answers and puts the full URL in its error messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { DbsError } from './errors.js';
import { parsePage, type RawPage } from './page.js';
import type { Endpoint } from './endpoint.js';

export const API_ACTION = 'DescribeBackupSetDownloadTaskList';
export const API_VERSION = '2019-03-06';
const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');
// A page of 100 tasks is about 100 KB; anything past 16 MB is not a DBS answer.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface PageRequest {
  backupPlanId?: string | undefined;
  backupSetDownloadTaskId?: string | undefined;
  pageSize: number;
  /** Zero-based. */
  pageNum: number;
  clientToken?: string | undefined;
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
  describePage(endpoint: Endpoint, request: PageRequest, options?: CallOptions): Promise<PageResult>;
  /** Loads what the first call would otherwise load (the SDK modules), so that call is not the slow one. */
  warmUp?(): Promise<void>;
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  providerName?: string | undefined;
}

/** Supplies credentials per request, so refreshed STS tokens are picked up. */
export type CredentialSource = () => Promise<Credentials>;

export interface ClientOptions {
  timeoutMs: number;
  maxAttempts: number;
  credentials?: CredentialSource;
  /** Backoff before attempt n (n >= 2); defaults to exponential with full jitter. */
  backoffMs?: (attempt: number) => number;
  userAgent?: string;
}

interface Signer {
  getAuthorization(
    request: { pathname: string; method: string; query: Record<string, string>; headers: Record<string, string> },
    algorithm: string,
    payloadHash: string,
    accessKeyId: string,
    accessKeySecret: string,
  ): string;
}

/**
 * The @alicloud packages are CommonJS with `exports.default = Class`: Node's ESM import puts that
 * under `.default.default`, while some loaders (vitest) hand over `exports.default` directly.
 */
function commonJsDefault<T>(module: { default: unknown }): T {
  const outer = module.default as { default?: T };
  return outer.default ?? (outer as T);
}

let signerPromise: Promise<Signer> | undefined;
let credentialClassPromise: Promise<new () => ChainCredential> | undefined;

/** Loaded on the first call or by warmUp, not at start-up: the SDK modules take 100-200 ms to load. */
function loadSigner(): Promise<Signer> {
  signerPromise ??= import('@alicloud/openapi-util').then((module) => commonJsDefault<Signer>(module));
  return signerPromise;
}

function loadCredentialClass(): Promise<new () => ChainCredential> {
  credentialClassPromise ??= import('@alicloud/credentials').then((module) => commonJsDefault<new () => ChainCredential>(module));
  return credentialClassPromise;
}

interface ChainCredential {
  getCredential(): Promise<{ accessKeyId?: string; accessKeySecret?: string; securityToken?: string; providerName?: string; type?: string }>;
}

/**
 * The `@alicloud/credentials` default chain (env, OIDC, CLI profile, credentials file, ECS RAM role, URI).
 * A chain that failed once keeps failing with a misleading error, so a failure drops it and the next call builds a fresh one.
 */
export function defaultCredentialChain(): CredentialSource {
  let chain: ChainCredential | undefined;
  return async () => {
    try {
      if (!chain) {
        chain = new (await loadCredentialClass())();
      }
      const model = await chain.getCredential();
      if (!model.accessKeyId || !model.accessKeySecret) {
        throw new Error('the chain returned no access key');
      }
      if (model.type === 'bearer' || model.type === 'id_token') {
        throw new Error(`credential type ${model.type} is not supported for DBS`);
      }
      return {
        accessKeyId: model.accessKeyId,
        accessKeySecret: model.accessKeySecret,
        securityToken: model.securityToken || undefined,
        providerName: model.providerName || undefined,
      };
    } catch {
      chain = undefined;
      // The chain's own message can quote file paths and partial values: say only what to set.
      throw new DbsError(
        'MissingCredentials',
        'no Alibaba Cloud credentials were found (environment variables, OIDC, CLI profile, credentials file and ECS RAM role were tried)',
      );
    }
  };
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

function cancelled(): DbsError {
  return new DbsError('Cancelled', 'the call was cancelled before the endpoint answered');
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function businessQuery(request: PageRequest): Record<string, string> {
  const query: Record<string, string> = {
    PageSize: String(request.pageSize),
    PageNum: String(request.pageNum),
  };
  // Empty values would go out as `Key=` and break the signature: send only what is set.
  if (request.backupPlanId) query.BackupPlanId = request.backupPlanId;
  if (request.backupSetDownloadTaskId) query.BackupSetDownloadTaskId = request.backupSetDownloadTaskId;
  if (request.clientToken) query.ClientToken = request.clientToken;
  return query;
}

/** Percent-encoding as the signature's canonical query uses it. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export function createDbsClient(options: ClientOptions): DbsClient {
  const credentials = options.credentials ?? defaultCredentialChain();
  const backoff = options.backoffMs ?? defaultBackoff;
  const userAgent = options.userAgent ?? 'dbs-backup-mcp';
  // Keep-alive saves a TCP (and TLS) handshake per page; an aborted request destroys its socket.
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  async function attempt(endpoint: Endpoint, request: PageRequest, signal: AbortSignal | undefined): Promise<RawPage> {
    const [signer, creds] = await Promise.all([loadSigner(), credentials()]);
    if (signal?.aborted) throw cancelled();
    const query = businessQuery(request);
    const headers: Record<string, string> = {
      host: endpoint.host,
      'x-acs-version': API_VERSION,
      'x-acs-action': API_ACTION,
      'user-agent': userAgent,
      'x-acs-date': isoSeconds(new Date()),
      'x-acs-signature-nonce': randomUUID(),
      accept: 'application/json',
      'x-acs-content-sha256': EMPTY_BODY_SHA256,
    };
    if (creds.providerName) headers['x-acs-credentials-provider'] = creds.providerName;
    if (creds.securityToken) {
      headers['x-acs-accesskey-id'] = creds.accessKeyId;
      headers['x-acs-security-token'] = creds.securityToken;
    }
    headers.authorization = signer.getAuthorization(
      { pathname: '/', method: 'POST', query, headers },
      SIGNATURE_ALGORITHM,
      EMPTY_BODY_SHA256,
      creds.accessKeyId,
      creds.accessKeySecret,
    );
    const search = Object.keys(query)
      .sort()
      .map((key) => `${encodeQueryValue(key)}=${encodeQueryValue(query[key]!)}`)
      .join('&');

    const deadline = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const transport = endpoint.protocol === 'https' ? https : http;
    const [hostname, port] = splitHost(endpoint.host);

    return new Promise<RawPage>((resolve, reject) => {
      const failWith = (error: unknown): void => {
        if (signal?.aborted) return reject(cancelled());
        if (deadline.aborted) {
          return reject(
            new DbsError('Timeout', `no complete answer from ${endpoint.host} within ${options.timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, {
              retryable: true,
            }),
          );
        }
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        const reason = code && NETWORK_CODES.has(code) ? code : code ?? 'connection failed';
        reject(new DbsError('NetworkError', `could not talk to ${endpoint.host}: ${reason}`, { retryable: true }));
      };
      const req = transport.request(
        {
          hostname,
          port,
          method: 'POST',
          path: `/?${search}`,
          headers: { ...headers, 'content-length': '0' },
          agent: agents[endpoint.protocol],
          signal: combined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              reject(new DbsError('BadResponse', `the answer from ${endpoint.host} exceeded ${MAX_BODY_BYTES} bytes`, { httpStatus: res.statusCode }));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', failWith);
          res.on('aborted', () => failWith(undefined));
          res.on('end', () => {
            if (!res.complete) return failWith(Object.assign(new Error('incomplete'), { code: 'ECONNRESET' }));
            try {
              resolve(parsePage(res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks).toString('utf8')));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', failWith);
      req.end();
    });
  }

  return {
    async warmUp() {
      // A failure here shows up again, with its context, in the call that needs the module.
      await Promise.all([loadSigner(), options.credentials ? undefined : loadCredentialClass()]).catch(() => undefined);
    },
    async describePage(endpoint, request, callOptions = {}) {
      const { signal, onRetry } = callOptions;
      for (let n = 1; ; n++) {
        if (signal?.aborted) throw cancelled();
        try {
          const page = await attempt(endpoint, request, signal);
          return { ...page, attempts: n };
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
    },
  };
}

function splitHost(host: string): [string, number | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? host;
  return [name.replace(/^\[|\]$/g, ''), match?.[2] === undefined ? undefined : Number(match[2])];
}
