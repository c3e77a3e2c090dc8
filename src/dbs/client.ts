/**
 * The DBS client: the one module that imports `@alicloud/*`.
 *
 * Requests are built the way `@alicloud/openapi-client` builds an RPC call under ACS3-HMAC-SHA256
 * (same headers, same signature: see sign.ts), but sent with `node:http(s)` so that every attempt
 * can be aborted: `callApi` takes no abort signal, loses the HTTP status of non-JSON answers and
 * puts the full URL in its error messages. Credentials come from `@alicloud/credentials`.
 */
import { isAscii } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { DbsError } from './errors.js';
import { parsePage, type RawPage } from './page.js';
import { authorization, canonicalQuery } from './sign.js';
import { isoSeconds } from '../time.js';
import type { Endpoint } from './endpoint.js';

export const API_ACTION = 'DescribeBackupSetDownloadTaskList';
export const API_VERSION = '2019-03-06';
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
  /** Loads what the first call would otherwise load (the credentials SDK), so that call is not the slow one. */
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

/**
 * The credentials SDK's HTTP code logs through `debug`, which reads DEBUG once, when it loads: with DEBUG=*
 * it would print STS answers (secrets, tokens), OIDC tokens and signed request lines to stderr.
 */
function withoutSdkDebugLogs(): void {
  delete process.env.DEBUG;
}

let providerClassesPromise: Promise<ProviderClasses> | undefined;

interface SdkCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

interface SdkProvider {
  getCredentials(): Promise<SdkCredentials>;
  getProviderName(): string;
}

interface SdkProviderBuilder {
  build(): SdkProvider;
  withRoleName(roleName: string | undefined): SdkProviderBuilder;
  withCredentialsURI(uri: string): SdkProviderBuilder;
}

type SdkProviderClass = { builder(): SdkProviderBuilder };

const PROVIDER_CLASSES = [
  'EnvironmentVariableCredentialsProvider',
  'OIDCRoleArnCredentialsProvider',
  'CLIProfileCredentialsProvider',
  'ProfileCredentialsProvider',
  'ECSRAMRoleCredentialsProvider',
  'URICredentialsProvider',
] as const;

type ProviderClasses = Record<(typeof PROVIDER_CLASSES)[number], SdkProviderClass>;

function loadProviderClasses(): Promise<ProviderClasses> {
  withoutSdkDebugLogs();
  providerClassesPromise ??= import('@alicloud/credentials').then((module) => {
    const exports = module as unknown as Record<string, unknown>;
    const inner = exports.default as Record<string, unknown> | undefined;
    const classes: Partial<ProviderClasses> = {};
    for (const name of PROVIDER_CLASSES) {
      const found = (exports[name] ?? inner?.[name]) as SdkProviderClass | undefined;
      if (typeof found?.builder !== 'function') throw new Error(`@alicloud/credentials has no ${name}`);
      classes[name] = found;
    }
    return classes as ProviderClasses;
  });
  return providerClassesPromise;
}

/**
 * The providers of the SDK's default chain (`DefaultCredentialsProvider` in 2.4.7), in its order. A builder
 * throws when its provider is not configured or is disabled (OIDC, CLI profile, ECS); that one is left out.
 */
function buildChain(classes: ProviderClasses): SdkProvider[] {
  const env = process.env;
  const providers: SdkProvider[] = [];
  const add = (build: () => SdkProvider): void => {
    try {
      providers.push(build());
    } catch {
      // Not configured.
    }
  };
  add(() => classes.EnvironmentVariableCredentialsProvider.builder().build());
  add(() => classes.OIDCRoleArnCredentialsProvider.builder().build());
  add(() => classes.CLIProfileCredentialsProvider.builder().build());
  add(() => classes.ProfileCredentialsProvider.builder().build());
  add(() => classes.ECSRAMRoleCredentialsProvider.builder().withRoleName(env.ALIBABA_CLOUD_ECS_METADATA).build());
  // The SDK's chain adds this one even with no URI set, and then dials https://undefined/ (a DNS lookup
  // leaving the machine, then ENOTFOUND) every time the others fail.
  const uri = env.ALIBABA_CLOUD_CREDENTIALS_URI;
  if (uri) add(() => classes.URICredentialsProvider.builder().withCredentialsURI(uri).build());
  return providers;
}

interface Chain {
  providers: SdkProvider[];
  /** The provider that answered last; asked first, so session providers keep their cached STS credentials. */
  current?: SdkProvider;
}

async function resolveChain(chain: Chain): Promise<{ credentials: SdkCredentials; provider: SdkProvider }> {
  if (chain.current) return { credentials: await chain.current.getCredentials(), provider: chain.current };
  for (const provider of chain.providers) {
    try {
      const credentials = await provider.getCredentials();
      chain.current = provider;
      return { credentials, provider };
    } catch {
      // Try the next provider, as the SDK's chain does.
    }
  }
  throw new Error('no provider in the chain had credentials');
}

/**
 * The `@alicloud/credentials` default chain: environment variables, OIDC, aliyun CLI profile, credentials
 * file, ECS RAM role, then the credentials URI when one is set. Built from the SDK's own providers rather
 * than `new Credential()`: that chain dials a URI nobody set, and after one failure it sticks to its last
 * provider. Here a failure drops the chain, so the next call reads the environment and files afresh.
 * Session providers (STS, OIDC, ECS, URI) refresh their credentials themselves; they are asked on every request.
 */
export function defaultCredentialChain(): CredentialSource {
  let chain: Chain | undefined;
  return async () => {
    try {
      chain ??= { providers: buildChain(await loadProviderClasses()) };
      const { credentials, provider } = await resolveChain(chain);
      if (!credentials.accessKeyId || !credentials.accessKeySecret) {
        throw new Error('the chain returned no access key');
      }
      return {
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken || undefined,
        providerName: `default/${provider.getProviderName()}`,
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

  /**
   * One attempt under its own deadline, which covers a credentials provider that hangs (STS, ECS
   * metadata) too. The deadline timer and the link to the call's signal are released as soon as the
   * attempt settles: AbortSignal.timeout would keep the attempt (and its response body) reachable
   * until the timer fires, 10 s later by default.
   */
  async function attempt(endpoint: Endpoint, request: PageRequest, signal: AbortSignal | undefined): Promise<RawPage> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onCallAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onCallAbort, { once: true });
    try {
      return await attemptWithin(endpoint, request, signal, controller.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallAbort);
    }
  }

  async function attemptWithin(
    endpoint: Endpoint,
    request: PageRequest,
    signal: AbortSignal | undefined,
    combined: AbortSignal,
    timedOut: () => boolean,
  ): Promise<RawPage> {
    if (signal?.aborted) throw cancelled();
    const creds = await abortable(credentials(), combined, () =>
      signal?.aborted
        ? cancelled()
        : new DbsError('Timeout', `the credentials provider did not answer within ${options.timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, { retryable: true }),
    );
    const query = businessQuery(request);
    const headers: Record<string, string> = {
      host: endpoint.host,
      'x-acs-version': API_VERSION,
      'x-acs-action': API_ACTION,
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
    const search = canonicalQuery(query);

    const transport = endpoint.protocol === 'https' ? https : http;
    const [hostname, port] = splitHost(endpoint.host);

    return new Promise<RawPage>((resolve, reject) => {
      const failWith = (error: unknown): void => {
        if (signal?.aborted) return reject(cancelled());
        if (timedOut()) {
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
          // Read as latin1 as it arrives (see ReceivedBody): each chunk's buffer is garbage at once.
          let latin1 = '';
          let ascii = true;
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              reject(new DbsError('BadResponse', `the answer from ${endpoint.host} exceeded ${MAX_BODY_BYTES} bytes`, { httpStatus: res.statusCode }));
              return;
            }
            ascii &&= isAscii(chunk);
            latin1 += chunk.toString('latin1');
          });
          res.on('error', failWith);
          res.on('aborted', () => failWith(undefined));
          res.on('end', () => {
            if (!res.complete) return failWith(Object.assign(new Error('incomplete'), { code: 'ECONNRESET' }));
            try {
              resolve(parsePage(res.statusCode ?? 0, res.headers['content-type'], { latin1, ascii }));
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
      if (!options.credentials) await loadProviderClasses().catch(() => undefined);
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
