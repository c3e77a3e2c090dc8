/**
 * Typed failures of a DBS call. Everything above the DBS client sees only `DbsError`,
 * never SDK or transport error shapes, so nothing raw (URLs, signatures) can leak upward.
 */

/** Codes this server produces itself, for what happens before or around the API. */
export type LocalErrorCode =
  | 'MissingCredentials'
  | 'InvalidInput'
  | 'Timeout'
  | 'NetworkError'
  | 'ProxyError'
  | 'CertificateError'
  | 'BadResponse'
  | 'Cancelled'
  | 'Busy'
  | 'UnexpectedError';

export interface DbsErrorDetails {
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  /** True when the same request may succeed if sent again. */
  retryable?: boolean | undefined;
  /** The RAM action a 403 names (`AccessDeniedDetail.AuthAction`). */
  authAction?: string | undefined;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number | undefined;
}

export class DbsError extends Error {
  override readonly name = 'DbsError';
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly authAction: string | undefined;
  attempts: number | undefined;

  constructor(code: LocalErrorCode | (string & {}), message: string, details: DbsErrorDetails = {}) {
    super(message);
    this.code = code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
    this.authAction = details.authAction;
    this.attempts = details.attempts;
  }
}

const RETRYABLE_CODES = new Set([
  'ServiceUnavailable',
  'InternalError',
  'InternalServerError',
  'ServiceTimeout',
  'RequestTimeout',
  'SystemBusy',
  'Timeout',
  'NetworkError',
]);

/** Throttling, 429/5xx and the service's transient codes are worth another attempt; auth, permission and parameter errors never are. */
export function isRetryableApiError(code: string, httpStatus: number | undefined): boolean {
  if (code.startsWith('Throttling') || RETRYABLE_CODES.has(code)) return true;
  if (httpStatus === undefined) return false;
  return httpStatus === 429 || httpStatus >= 500;
}

/** One line of what to do next, per code. */
export function nextStep(error: DbsError): string {
  const code = error.code;
  if (code === 'MissingCredentials') {
    return 'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), or configure an aliyun CLI profile, credentials file, OIDC or ECS RAM role, then call again.';
  }
  if (code === 'InvalidInput') return 'Fix the arguments as the message says and call again.';
  if (code === 'TaskNotFound') {
    return "Check backupSetDownloadTaskId and regionId (list_backup_set_download_tasks with the backupPlanId shows the plan's tasks), then call again.";
  }
  if (code === 'Timeout') {
    return 'The endpoint did not answer in time: call again later, with a smaller pageSize, or raise DBS_MCP_TIMEOUT_MS.';
  }
  if (code === 'NetworkError') {
    return 'Check network access to the DBS endpoint (or ALIBABA_CLOUD_DBS_ENDPOINT and the region), then call again.';
  }
  if (code === 'ProxyError') {
    return 'Check the proxy settings (HTTPS_PROXY, or HTTP_PROXY for an http:// endpoint): host, port, and user:password (percent-encoded) for a proxy that asks for them; or list the DBS host in NO_PROXY to connect directly. Then call again.';
  }
  if (code === 'CertificateError') {
    return "If a company proxy or firewall re-signs TLS, give Node the company's CA certificate: set NODE_EXTRA_CA_CERTS=/path/to/company-ca.pem in the server's environment and restart it. Otherwise check ALIBABA_CLOUD_DBS_ENDPOINT and the region.";
  }
  if (code === 'BadResponse') {
    return 'The endpoint or a gateway in front of it answered with something that is not a DBS result: call again later, or check ALIBABA_CLOUD_DBS_ENDPOINT.';
  }
  if (code === 'Cancelled') return 'The call was cancelled; call again if the answer is still needed.';
  if (code === 'Busy') return 'This server has too many calls waiting for the DBS endpoint: call again in a few seconds, or make fewer calls at once.';
  if (code.startsWith('Forbidden') || code === 'NoPermission' || error.httpStatus === 403) {
    // Without the denied action named, name both the tools need: one policy then covers either call.
    const action = error.authAction ? `the action ${error.authAction}` : 'the actions dbs:DescribeBackupPlanList and dbs:DescribeBackupSetDownloadTaskList';
    return `Grant the RAM identity ${action} (for example with a RAM policy), then call again.`;
  }
  if (code.startsWith('InvalidAccessKeyId')) {
    return 'The AccessKey ID is unknown or disabled: check ALIBABA_CLOUD_ACCESS_KEY_ID (or the credentials profile) and call again.';
  }
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature') {
    return 'The AccessKey secret does not match the AccessKey ID: check ALIBABA_CLOUD_ACCESS_KEY_SECRET and call again.';
  }
  if (code.startsWith('InvalidSecurityToken')) {
    return 'The STS security token is missing, expired or does not match: refresh ALIBABA_CLOUD_SECURITY_TOKEN together with the key pair.';
  }
  if (code.startsWith('InvalidTimeStamp')) return "Correct this machine's clock (requests are refused when it is more than 15 minutes off).";
  if (code.startsWith('Throttling')) return 'The API is throttling this account: wait a few seconds and call again, or fetch fewer pages at once (DBS_MCP_CONCURRENCY).';
  if (code === 'Param.NotFound' || code.startsWith('InvalidParameter') || code.startsWith('Param.')) {
    return 'Check backupPlanId / backupSetDownloadTaskId (and that the region is the one the plan lives in), then call again.';
  }
  if (error.retryable) return 'The service reported a transient failure: call again in a few seconds.';
  return 'Check the arguments, the region and the credentials; call again if the cause was transient.';
}

/** The text block of a failed call: code first, then the facts, then what to do. */
export function formatError(error: DbsError): string {
  const facts: string[] = [];
  if (error.httpStatus !== undefined) facts.push(`HTTP ${error.httpStatus}`);
  if (error.requestId) facts.push(`request id ${error.requestId}`);
  if (error.attempts !== undefined && error.attempts > 1) facts.push(`after ${error.attempts} attempts`);
  const lines = [`${error.code}: ${error.message}`];
  if (facts.length > 0) lines.push(facts.join(', '));
  lines.push(`Next: ${nextStep(error)}`);
  return lines.join('\n');
}
