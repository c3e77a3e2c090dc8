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
