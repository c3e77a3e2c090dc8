import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TEST_CREDENTIALS } from './fixtures.js';
import type { RawTask, SimCredential } from './types.js';

export type { RawTask, SimCredential } from './types.js';

export type ItemsShape = 'wrapped' | 'array' | 'single-object';

export type FaultKind =
  | 'throttling'
  | 'server-error'
  | 'service-unavailable'
  | 'forbidden'
  | 'business-error'
  | 'dbs-4xx'
  | 'html'
  | 'empty-body'
  | 'json-array'
  | 'hang'
  | 'reset'
  | 'stall-body';

export interface Fault {
  kind: FaultKind;
  /** How many matching requests it hits; default: all of them, until clearFaults(). */
  times?: number;
  /** Only requests for this zero-based page. */
  pageNum?: number;
  /** Overrides the kind's HTTP status. */
  status?: number;
  /** Overrides the error code (Code, or ErrCode for DBS-style bodies). */
  code?: string;
  /** Overrides the error message. */
  message?: string;
  /** Only requests for this action; default: any. */
  action?: string;
  /** Only requests for this BackupPlanId, so one plan of an account can fail; default: any. */
  backupPlanId?: string;
}

/** A step of a task's timeline: these fields are set on the task once `afterMs` have passed. */
export interface TimelineStep {
  afterMs: number;
  set: RawTask;
}

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default [TEST_CREDENTIALS]. */
  credentials?: SimCredential[];
  /** Tasks per BackupPlanId, in the order served. Default: no plans. */
  plans?: Record<string, RawTask[]>;
  /** The backup plans DescribeBackupPlanList serves, per DBS region, in the order served. Default: none. */
  backupPlans?: Record<string, RawTask[]>;
  /** The regions DescribeRegions lists. Default: DBS_REGIONS, then any other region of `backupPlans`. */
  regions?: string[];
  /** Added before every answer. Default 0. */
  latencyMs?: number;
  /** Default 'wrapped'. */
  itemsShape?: ItemsShape;
  /** Default 15 minutes, as the real gateway. */
  maxClockSkewMs?: number;
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  action: string | undefined;
  /** The HTTP status answered; 0 while unanswered and for hang/reset faults. */
  status: number;
  /** The error code answered (Code or ErrCode), if any. */
  code: string | undefined;
  /** The zero-based page asked for (0 when PageNum is absent); undefined when PageNum is invalid. */
  pageNum: number | undefined;
  receivedAt: number;
}

export interface Simulator {
  /** 'host:port', as openapi-client's Config.endpoint wants it. */
  readonly endpoint: string;
  readonly url: string;
  /** Every request received, rejected ones included, in arrival order. */
  readonly requests: RecordedRequest[];
  setPlan(planId: string, tasks: RawTask[]): void;
  /** Replaces the backup plans of one region. */
  setBackupPlans(region: string, plans: RawTask[]): void;
  /** Replaces the regions DescribeRegions lists. */
  setRegions(regions: string[]): void;
  /**
   * Moves a task (by BackupSetDownloadTaskId, in whichever plan holds it) along a timeline counted
   * from this call: each request first applies the steps that are due.
   */
  setTaskTimeline(taskId: string, steps: TimelineStep[]): void;
  addFault(fault: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setItemsShape(shape: ItemsShape): void;
  addCredential(c: SimCredential): void;
  /** Retires a key: later requests signed with it get InvalidAccessKeyId.NotFound. */
  removeCredential(accessKeyId: string): void;
  /** Client sockets open right now. */
  openConnections(): number;
  /** The most API requests in progress at once (received, not yet answered) since the start or the last reset. */
  peakInFlight(): number;
  resetPeakInFlight(): void;
  /** Destroys every socket, hung ones included, and stops listening. */
  close(): Promise<void>;
}

const TASK_ACTION = 'DescribeBackupSetDownloadTaskList';
const PLAN_ACTION = 'DescribeBackupPlanList';
const REGIONS_ACTION = 'DescribeRegions';
const ACTIONS = new Set([TASK_ACTION, PLAN_ACTION, REGIONS_ACTION]);
/** Regions DBS is offered in, as DescribeRegions lists them by default. */
export const DBS_REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-shenzhen',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-northeast-1',
  'us-west-1',
  'eu-central-1',
] as const;
const API_VERSION = '2019-03-06';
const ALGORITHM = 'ACS3-HMAC-SHA256';
const PAGE_SIZES = new Set([30, 50, 100]);
const DEFAULT_PAGE_SIZE = 30;
const MAX_PLAN_PAGE_SIZE = 100;
const DEFAULT_MAX_CLOCK_SKEW_MS = 15 * 60_000;
// The operation takes no body; anything large is a client bug, not something to buffer.
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
// int64 fields: written as bare integer literals, as the Java service does, even past 2^53.
const INT64_FIELDS = new Set(['BackupGatewayId', 'BackupSetDownloadGatewayId']);
const INTEGER_LITERAL = /^-?(?:0|[1-9]\d*)$/;
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

interface Reply {
  status: number;
  contentType: string;
  body: string;
  code: string | undefined;
}

type Outcome = { type: 'reply'; reply: Reply } | { type: 'hang' } | { type: 'reset' } | { type: 'stall'; reply: Reply };

/** What every answer to one request shares. */
interface Exchange {
  requestId: string;
  hostId: string;
}

/**
 * encodeURIComponent plus the five characters it leaves alone that the signature spec escapes: the
 * encoding of both ACS3 (here) and the STS RPC signature (credential-servers.ts).
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes stay as sent; the signature check then fails, as it would upstream.
    return text;
  }
}

/** Parsed by hand: URLSearchParams would hide whether a key came with an empty value or none. */
function parseQuery(search: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of search.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([decodeQueryComponent(key), decodeQueryComponent(value)]);
  }
  return pairs;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Serialises like JSON.stringify, except int64 fields held as decimal strings come out as bare integers. */
function toJsonText(value: unknown, key?: string): string | undefined {
  if (key !== undefined && INT64_FIELDS.has(key) && typeof value === 'string' && INTEGER_LITERAL.test(value)) {
    return value;
  }
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [name, member] of Object.entries(value)) {
      const text = toJsonText(member, name);
      if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) as string | undefined;
}

function jsonReply(status: number, body: Record<string, unknown>, code: string | undefined): Reply {
  return { status, contentType: JSON_CONTENT_TYPE, body: toJsonText(body) ?? '{}', code };
}

/** The API gateway's error shape (signature, throttling, RAM, 5xx): `Code`, never `ErrCode`. */
function gatewayError(exchange: Exchange, status: number, code: string, message: string, extra: Record<string, unknown> = {}): Reply {
  const { requestId, hostId } = exchange;
  return jsonReply(
    status,
    {
      RequestId: requestId,
      HostId: hostId,
      Code: code,
      Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Dbs&requestId=${requestId}`,
      ...extra,
    },
    code,
  );
}

/** The DBS service's own error shape: `Success:false` and `ErrCode`, usually on HTTP 200. */
function dbsError(exchange: Exchange, errCode: string, errMessage: string, status = 200, statusInBody = 400): Reply {
  return jsonReply(
    status,
    {
      Success: false,
      ErrCode: errCode,
      ErrMessage: errMessage,
      HttpStatusCode: statusInBody,
      RequestId: exchange.requestId,
    },
    errCode,
  );
}

function invalidParameter(exchange: Exchange, name: string): Reply {
  const code = name === 'BackupPlanId' ? 'Param.NotFound' : `InvalidParameter.${name}`;
  return dbsError(exchange, code, `The specified parameter ${name} value is not valid.`);
}

/** PageNum is zero-based; absent means page 0. */
function parsePageNum(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Remembers nonces for twice the clock skew: a request dated skew ahead of us stays acceptable until skew
 * past its date, so a replay is only safe to forget after that.
 */
class NonceLedger {
  private readonly seenAt = new Map<string, number>();
  constructor(private readonly retentionMs: number) {}

  /** True the first time a nonce is seen. */
  claim(nonce: string, nowMs: number): boolean {
    for (const [old, at] of this.seenAt) {
      if (nowMs - at <= this.retentionMs) break;
      this.seenAt.delete(old);
    }
    if (this.seenAt.has(nonce)) return false;
    this.seenAt.set(nonce, nowMs);
    return true;
  }
}

interface Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string | undefined): Authorization | undefined {
  const match = /^ACS3-HMAC-SHA256\s+(.+)$/.exec(value?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()), signature };
}

interface IncomingCall {
  method: string;
  queryPairs: Array<[string, string]>;
  headers: NodeJS.Dict<string[]>;
  body: Buffer;
}

interface AuthPolicy {
  credentials: ReadonlyMap<string, SimCredential>;
  nonces: NonceLedger;
  maxClockSkewMs: number;
  nowMs: number;
}

function singleHeader(call: IncomingCall, name: string): string | undefined {
  return call.headers[name]?.[0];
}

/**
 * ACS3-HMAC-SHA256 verification: well-formed Authorization, known key, every host/x-acs-* header signed,
 * body hash, signature, STS token, date, nonce, then action and version. Nonces are only claimed by
 * requests that passed the signature, so a forged request cannot burn a genuine client's nonce.
 * Returns the error to answer, or undefined when the call may proceed.
 */
function authenticate(call: IncomingCall, policy: AuthPolicy, exchange: Exchange): Reply | undefined {
  const incomplete = (detail: string): Reply =>
    gatewayError(exchange, 400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. ${detail}`);

  const authorization = parseAuthorization(singleHeader(call, 'authorization'));
  if (!authorization) {
    return incomplete(`Expected an Authorization header "${ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>".`);
  }
  const credential = policy.credentials.get(authorization.accessKeyId);
  if (!credential) return gatewayError(exchange, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

  const signed = new Set(authorization.signedHeaders);
  for (const name of Object.keys(call.headers)) {
    if ((name === 'host' || name.startsWith('x-acs-')) && !signed.has(name)) {
      return incomplete(`The header ${name} is present but not in SignedHeaders.`);
    }
  }
  for (const name of authorization.signedHeaders) {
    if (call.headers[name] === undefined) return incomplete(`The signed header ${name} is missing from the request.`);
  }

  const bodyHash = sha256Hex(call.body);
  const declaredHash = singleHeader(call, 'x-acs-content-sha256');
  if (declaredHash === undefined) return incomplete('The header x-acs-content-sha256 is required.');
  if (declaredHash.toLowerCase() !== bodyHash) {
    return gatewayError(exchange, 400, 'SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the SHA-256 of the request body.');
  }

  const canonicalQuery = call.queryPairs
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .sort()
    .join('&');
  const canonicalHeaders = authorization.signedHeaders
    .map(
      (name) =>
        `${name}:${(call.headers[name] ?? [])
          .map((v) => v.trim())
          .sort()
          .join(',')}\n`,
    )
    .join('');
  const canonicalRequest = [call.method, '/', canonicalQuery, canonicalHeaders, authorization.signedHeaders.join(';'), bodyHash].join('\n');
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', credential.accessKeySecret).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(authorization.signature, 'hex'))) {
    // The real gateway shows its string to sign (a hash, no secret) so clients can diff their own.
    return gatewayError(
      exchange,
      400,
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  }

  if (credential.securityToken !== undefined) {
    const token = singleHeader(call, 'x-acs-security-token');
    // The gateway's STS errors share the InvalidSecurityToken. prefix (Expired, Malformed, MismatchWithAccessKey);
    // a missing token is reported in that family too, so a client that maps the prefix to "refresh your STS
    // credentials" covers it.
    if (token === undefined) {
      return gatewayError(exchange, 400, 'InvalidSecurityToken.Missing', 'The AccessKeyId is a temporary one and needs its SecurityToken.');
    }
    const matches = token.length === credential.securityToken.length && timingSafeEqual(Buffer.from(token), Buffer.from(credential.securityToken));
    if (!matches) {
      return gatewayError(exchange, 400, 'InvalidSecurityToken.Mismatch', 'The SecurityToken does not match the AccessKeyId.');
    }
  }

  const date = singleHeader(call, 'x-acs-date');
  if (date !== undefined && !ISO_8601_UTC.test(date)) {
    return gatewayError(exchange, 400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted; expected yyyy-MM-ddTHH:mm:ssZ.');
  }
  if (date === undefined || Math.abs(policy.nowMs - Date.parse(date)) > policy.maxClockSkewMs) {
    return gatewayError(exchange, 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }

  const nonce = singleHeader(call, 'x-acs-signature-nonce');
  if (!nonce) return gatewayError(exchange, 400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
  if (!policy.nonces.claim(nonce, policy.nowMs)) {
    return gatewayError(exchange, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }

  const action = singleHeader(call, 'x-acs-action');
  if (action === undefined || !ACTIONS.has(action)) {
    return gatewayError(exchange, 404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
  }
  if (singleHeader(call, 'x-acs-version') !== API_VERSION) {
    return gatewayError(exchange, 400, 'InvalidVersion', 'Specified parameter Version is not valid.');
  }
  return undefined;
}

/** The operation itself: validation, lookup and paging, answered as the DBS service does. */
function describeTasks(
  query: Record<string, string>,
  plans: ReadonlyMap<string, RawTask[]>,
  backupPlans: ReadonlyMap<string, RawTask[]>,
  itemsShape: ItemsShape,
  exchange: Exchange,
): Reply {
  // Empty values count as absent: that is how an unset optional parameter arrives.
  const param = (name: string): string | undefined => (query[name] === '' ? undefined : query[name]);
  const planId = param('BackupPlanId');
  const taskId = param('BackupSetDownloadTaskId');
  if (planId === undefined && taskId === undefined) return invalidParameter(exchange, 'BackupPlanId');

  const rawPageSize = param('PageSize');
  const pageSize = rawPageSize === undefined ? DEFAULT_PAGE_SIZE : Number(rawPageSize);
  if (rawPageSize !== undefined && !(/^\d+$/.test(rawPageSize) && PAGE_SIZES.has(pageSize))) {
    return invalidParameter(exchange, 'PageSize');
  }
  const pageNum = parsePageNum(param('PageNum'));
  if (pageNum === undefined) return invalidParameter(exchange, 'PageNum');

  // A plan that DescribeBackupPlanList lists but that has no download tasks answers an empty list.
  const listed = (id: string): boolean => [...backupPlans.values()].some((list) => list.some((p) => p.BackupPlanId === id));
  const plan = planId === undefined ? undefined : (plans.get(planId) ?? (listed(planId) ? [] : undefined));
  if (planId !== undefined && plan === undefined) return invalidParameter(exchange, 'BackupPlanId');

  let tasks: RawTask[];
  if (taskId === undefined) {
    tasks = plan ?? [];
  } else {
    const pool = plan ?? [...plans.values()].flat();
    tasks = pool.filter((task) => task.BackupSetDownloadTaskId === taskId).slice(0, 1);
  }

  return pageReply(
    exchange,
    tasks,
    pageNum,
    pageSize,
    shapeItems(tasks.slice(pageNum * pageSize, (pageNum + 1) * pageSize), itemsShape, 'BackupSetDownloadTaskDetail'),
  );
}

/** A successful page of a list operation: zero-based PageNum, totals over every matching item. */
function pageReply(exchange: Exchange, all: readonly unknown[], pageNum: number, pageSize: number, items: unknown): Reply {
  const body = {
    RequestId: exchange.requestId,
    PageSize: pageSize,
    PageNum: pageNum,
    HttpStatusCode: 200,
    TotalElements: all.length,
    TotalPages: Math.ceil(all.length / pageSize),
    Items: items,
    Success: true,
  };
  return jsonReply(200, body, undefined);
}

/**
 * DescribeBackupPlanList: every parameter is an optional filter (BackupPlanId takes several ids joined
 * by commas), Region picks the region's plans, and paging is zero-based as for tasks.
 */
function describePlans(query: Record<string, string>, backupPlans: ReadonlyMap<string, RawTask[]>, itemsShape: ItemsShape, exchange: Exchange): Reply {
  const param = (name: string): string | undefined => (query[name] === '' ? undefined : query[name]);
  const rawPageSize = param('PageSize');
  const pageSize = rawPageSize === undefined ? DEFAULT_PAGE_SIZE : Number(rawPageSize);
  if (rawPageSize !== undefined && !(/^\d+$/.test(rawPageSize) && pageSize >= 1 && pageSize <= MAX_PLAN_PAGE_SIZE)) {
    return invalidParameter(exchange, 'PageSize');
  }
  const pageNum = parsePageNum(param('PageNum'));
  if (pageNum === undefined) return invalidParameter(exchange, 'PageNum');

  const region = param('Region');
  const ids = param('BackupPlanId')
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const name = param('BackupPlanName');
  const status = param('BackupPlanStatus');
  const group = param('ResourceGroupId');
  const pool = region === undefined ? [...backupPlans.values()].flat() : (backupPlans.get(region) ?? []);
  const plans = pool.filter(
    (plan) =>
      (ids === undefined || ids.includes(String(plan.BackupPlanId))) &&
      (name === undefined || plan.BackupPlanName === name) &&
      (status === undefined || plan.BackupPlanStatus === status) &&
      (group === undefined || plan.ResourceGroupId === group),
  );

  return pageReply(exchange, plans, pageNum, pageSize, shapeItems(plans.slice(pageNum * pageSize, (pageNum + 1) * pageSize), itemsShape, 'BackupPlanDetail'));
}

/** DescribeRegions: no parameters, every region in one answer. */
function describeRegions(regions: readonly string[], exchange: Exchange): Reply {
  return jsonReply(
    200,
    {
      RequestId: exchange.requestId,
      Success: true,
      HttpStatusCode: 200,
      Regions: { RegionCode: [...regions] },
    },
    undefined,
  );
}

/** An empty page is "", not an empty list; otherwise the shape the simulator is set to. */
function shapeItems(page: RawTask[], shape: ItemsShape, detailKey: string): unknown {
  if (page.length === 0) return '';
  if (shape === 'array') return page;
  if (shape === 'single-object' && page.length === 1) return { [detailKey]: page[0] };
  return { [detailKey]: page };
}

const FAULT_STATUS: Record<FaultKind, number> = {
  throttling: 400,
  'server-error': 500,
  'service-unavailable': 503,
  forbidden: 403,
  'business-error': 200,
  'dbs-4xx': 400,
  html: 502,
  'empty-body': 200,
  'json-array': 200,
  hang: 0,
  reset: 0,
  'stall-body': 200,
};

function gatewayErrorPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    '<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n'
  );
}

function faultOutcome(fault: Fault, exchange: Exchange, action: string, businessAnswer: () => Reply): Outcome {
  const status = fault.status ?? FAULT_STATUS[fault.kind];
  const reply = (r: Reply): Outcome => ({ type: 'reply', reply: r });
  switch (fault.kind) {
    case 'throttling':
      return reply(gatewayError(exchange, status, fault.code ?? 'Throttling.User', fault.message ?? 'Request was denied due to user flow control.'));
    case 'server-error':
      return reply(
        gatewayError(
          exchange,
          status,
          fault.code ?? 'InternalError',
          fault.message ?? 'The request processing has failed due to some unknown error, exception or failure.',
        ),
      );
    case 'service-unavailable':
      return reply(
        gatewayError(exchange, status, fault.code ?? 'ServiceUnavailable', fault.message ?? 'The request has failed due to a temporary failure of the server.'),
      );
    case 'forbidden':
      return reply(
        gatewayError(
          exchange,
          status,
          fault.code ?? 'Forbidden.RAM',
          fault.message ?? "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
          {
            AccessDeniedDetail: {
              AuthAction: `dbs:${action}`,
              NoPermissionType: 'ImplicitDeny',
              PolicyType: 'AccountLevelIdentityBasedPolicy',
              AuthPrincipalType: 'SubUser',
              AuthPrincipalDisplayName: 'sim-readonly-user',
              AuthPrincipalOwnerId: '1234567890123456',
              EncodedDiagnosticMessage: 'AQEAAAAAaW1zaW0tZGlhZ25vc3RpYy1tZXNzYWdl',
            },
          },
        ),
      );
    case 'business-error':
      return reply(
        dbsError(exchange, fault.code ?? 'Param.NotFound', fault.message ?? 'The specified parameter BackupPlanId value is not valid.', status, 400),
      );
    case 'dbs-4xx':
      return reply(dbsError(exchange, fault.code ?? 'InvalidParameter', fault.message ?? 'The specified parameter value is not valid.', status, status));
    case 'html':
      return reply({ status, contentType: 'text/html', body: gatewayErrorPage(status), code: undefined });
    case 'empty-body':
      return reply({ status, contentType: JSON_CONTENT_TYPE, body: '', code: undefined });
    case 'json-array':
      return reply({ status, contentType: JSON_CONTENT_TYPE, body: '[]', code: undefined });
    case 'hang':
      return { type: 'hang' };
    case 'reset':
      return { type: 'reset' };
    case 'stall-body':
      return { type: 'stall', reply: { ...businessAnswer(), status } };
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => reject(new Error('request closed before its body was read')));
  });
}

interface QueuedFault {
  fault: Fault;
  remaining: number | undefined;
}

/** Starts a local stand-in for the DBS endpoint, serving DescribeBackupSetDownloadTaskList, DescribeBackupPlanList and DescribeRegions. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const credentials = new Map<string, SimCredential>();
  for (const c of options.credentials ?? [TEST_CREDENTIALS]) credentials.set(c.accessKeyId, { ...c });
  const plans = new Map<string, RawTask[]>();
  for (const [planId, tasks] of Object.entries(options.plans ?? {})) plans.set(planId, [...tasks]);
  const backupPlans = new Map<string, RawTask[]>();
  for (const [region, list] of Object.entries(options.backupPlans ?? {})) backupPlans.set(region, [...list]);
  let regions = options.regions ?? [...new Set([...DBS_REGIONS, ...backupPlans.keys()])];
  const nonces = new NonceLedger(2 * maxClockSkewMs);
  const timelines = new Map<string, { startMs: number; steps: TimelineStep[] }>();
  const faults: QueuedFault[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const pendingDelays = new Set<() => void>();
  let latencyMs = options.latencyMs ?? 0;
  let inFlight = 0;
  let peak = 0;
  let itemsShape: ItemsShape = options.itemsShape ?? 'wrapped';
  let closing: Promise<void> | undefined;
  let endpoint = '';

  /** Resolves after ms, or at once when the simulator closes (the caller then checks `closing`). */
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        pendingDelays.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      pendingDelays.add(finish);
    });

  /** Applies due timeline steps; tasks are replaced, not changed, as the caller may still hold them. */
  const advanceTimelines = (nowMs: number): void => {
    for (const [taskId, timeline] of timelines) {
      const due = timeline.steps.filter((step) => timeline.startMs + step.afterMs <= nowMs);
      if (due.length === 0) continue;
      timeline.steps = timeline.steps.filter((step) => !due.includes(step));
      if (timeline.steps.length === 0) timelines.delete(taskId);
      for (const tasks of plans.values()) {
        const index = tasks.findIndex((task) => task.BackupSetDownloadTaskId === taskId);
        if (index >= 0) tasks[index] = Object.assign({}, tasks[index], ...due.map((step) => step.set));
      }
    }
  };

  const takeFault = (pageNum: number | undefined, action: string | undefined, planId: string | undefined): Fault | undefined => {
    const index = faults.findIndex(
      (q) =>
        (q.fault.pageNum === undefined || q.fault.pageNum === pageNum) &&
        (q.fault.action === undefined || q.fault.action === action) &&
        (q.fault.backupPlanId === undefined || q.fault.backupPlanId === planId),
    );
    const queued = faults[index];
    if (!queued) return undefined;
    if (queued.remaining !== undefined && --queued.remaining <= 0) faults.splice(index, 1);
    return queued.fault;
  };

  const send = (res: ServerResponse, exchange: Exchange, reply: Reply, record: RecordedRequest): void => {
    record.status = reply.status;
    record.code = reply.code;
    res.writeHead(reply.status, {
      'content-type': reply.contentType,
      'content-length': Buffer.byteLength(reply.body),
      'x-acs-request-id': exchange.requestId,
    });
    res.end(reply.body);
  };

  const perform = (outcome: Outcome, req: IncomingMessage, res: ServerResponse, exchange: Exchange, record: RecordedRequest): void => {
    switch (outcome.type) {
      case 'reply':
        send(res, exchange, outcome.reply, record);
        return;
      case 'hang':
        // No answer at all: the socket stays open until the client gives up or close() destroys it.
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'stall': {
        const { reply } = outcome;
        record.status = reply.status;
        // Announce the full length so the client keeps waiting for the rest.
        res.writeHead(reply.status, {
          'content-type': reply.contentType,
          'content-length': Buffer.byteLength(reply.body),
          'x-acs-request-id': exchange.requestId,
        });
        res.write(reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))));
        return;
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart < 0 ? target : target.slice(0, queryStart);
    const queryPairs = parseQuery(queryStart < 0 ? '' : target.slice(queryStart + 1));
    const query = Object.fromEntries(queryPairs);
    const headers = flattenHeaders(req.headers);
    const isApiPath = path === '/';
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      query,
      headers,
      action: headers['x-acs-action'] ?? query.Action,
      status: 0,
      code: undefined,
      pageNum: isApiPath ? parsePageNum(query.PageNum) : undefined,
      receivedAt,
    };
    requests.push(record);
    const exchange: Exchange = { requestId: randomUUID().toUpperCase(), hostId: headers.host ?? endpoint };

    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge && !res.headersSent) {
        send(res, exchange, gatewayError(exchange, 413, 'RequestEntityTooLarge', 'The request body is too large.'), record);
      }
      return;
    }

    let outcome: Outcome;
    if (!isApiPath) {
      outcome = { type: 'reply', reply: gatewayError(exchange, 404, 'NotFound', `Specified path ${path} is not found.`) };
    } else if (req.method !== 'POST' && req.method !== 'GET') {
      outcome = { type: 'reply', reply: gatewayError(exchange, 400, 'UnsupportedHTTPMethod', 'This http method is not supported.') };
    } else {
      const call: IncomingCall = { method: req.method, queryPairs, headers: req.headersDistinct, body };
      const rejection = authenticate(call, { credentials, nonces, maxClockSkewMs, nowMs: receivedAt }, exchange);
      const fault = rejection ? undefined : takeFault(record.pageNum, record.action, query.BackupPlanId);
      advanceTimelines(receivedAt);
      const businessAnswer = (): Reply => {
        if (record.action === REGIONS_ACTION) return describeRegions(regions, exchange);
        if (record.action === PLAN_ACTION) return describePlans(query, backupPlans, itemsShape, exchange);
        return describeTasks(query, plans, backupPlans, itemsShape, exchange);
      };
      if (rejection) outcome = { type: 'reply', reply: rejection };
      else if (fault) outcome = faultOutcome(fault, exchange, record.action ?? TASK_ACTION, businessAnswer);
      else outcome = { type: 'reply', reply: businessAnswer() };
    }

    if (latencyMs > 0) await delay(latencyMs);
    if (closing || res.destroyed) return;
    perform(outcome, req, res, exchange, record);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    peak = Math.max(peak, (inFlight += 1));
    handle(req, res)
      .finally(() => (inFlight -= 1))
      .catch((error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { 'content-type': JSON_CONTENT_TYPE });
        res.end(JSON.stringify({ Code: 'SimulatorError', Message: message }));
      });
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createServer(onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  endpoint = `${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    endpoint,
    url: `${options.tls ? 'https' : 'http'}://${endpoint}`,
    requests,
    setPlan(planId, tasks) {
      plans.set(planId, [...tasks]);
    },
    setBackupPlans(region, list) {
      backupPlans.set(region, [...list]);
    },
    setRegions(list) {
      regions = [...list];
    },
    setTaskTimeline(taskId, steps) {
      timelines.set(taskId, { startMs: Date.now(), steps: [...steps].sort((a, b) => a.afterMs - b.afterMs) });
    },
    addFault(fault) {
      if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
        throw new RangeError(`Fault.times must be a positive integer, got ${fault.times}`);
      }
      faults.push({ fault: { ...fault }, remaining: fault.times });
    },
    clearFaults() {
      faults.length = 0;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setItemsShape(shape) {
      itemsShape = shape;
    },
    addCredential(c) {
      credentials.set(c.accessKeyId, { ...c });
    },
    removeCredential(accessKeyId) {
      credentials.delete(accessKeyId);
    },
    openConnections() {
      return sockets.size;
    },
    peakInFlight() {
      return peak;
    },
    resetPeakInFlight() {
      peak = inFlight;
    },
    close() {
      closing ??= (async () => {
        // Wait for each socket's 'close' too, so openConnections() reads 0 once this resolves.
        const socketsClosed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
        const serverClosed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        for (const finish of pendingDelays) finish();
        await Promise.all([serverClosed, ...socketsClosed]);
      })();
      return closing;
    },
  };
}
