/**
 * What went wrong on the way to DBS, as a DbsError: network, TLS and proxy failures of an attempt,
 * and answers that are not DBS speaking (redirects, proxy refusals, oversized bodies). The API's own
 * error bodies are read in page.ts. Retryable only where sending the same request again can help.
 */
import { STATUS_CODES } from 'node:http';
import { DbsError } from './errors.js';
import { decodedPassword, describeProxy, safeDecode } from './proxy.js';
import { redactSecrets, upstreamText } from '../redact.js';
import type { Endpoint } from './endpoint.js';

export function cancelled(): DbsError {
  return new DbsError('Cancelled', 'the call was cancelled before the endpoint answered');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

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

/** Where an attempt stood when it failed. */
export interface AttemptState {
  endpoint: Endpoint;
  /** The proxy the attempt goes through, null when direct. */
  proxy: URL | null;
  /** True until the proxy has opened the tunnel (or forwarded the request): a failure before that is the proxy's. */
  beforeTunnel: boolean;
  cancelled: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

/** A failed attempt (socket, TLS, proxy, deadline or cancellation) as the error the caller sees. */
export function attemptFailure(error: unknown, state: AttemptState): DbsError {
  const { endpoint, proxy } = state;
  const atProxy = proxy !== null && state.beforeTunnel;
  if (state.cancelled) return cancelled();
  if (state.timedOut) {
    const via = atProxy ? ` through the proxy ${describeProxy(proxy)}` : '';
    return new DbsError('Timeout', `no complete answer from ${endpoint.host}${via} within ${state.timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, { retryable: true });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = certificateProblem(error);
  if (problem !== undefined) {
    const whose = atProxy && proxy.protocol === 'https:' ? `the proxy ${describeProxy(proxy)}` : endpoint.host;
    return new DbsError('CertificateError', `the TLS certificate of ${whose} was refused: ${problem} (${code})`);
  }
  const reason = code && NETWORK_CODES.has(code) ? code : (code ?? 'connection failed');
  if (atProxy) {
    return new DbsError('ProxyError', `could not reach the proxy ${describeProxy(proxy)} (${proxyVariable(endpoint)}): ${reason}`, { retryable: true });
  }
  return new DbsError('NetworkError', `could not talk to ${endpoint.host}${proxy ? ` through the proxy ${describeProxy(proxy)}` : ''}: ${reason}`, {
    retryable: true,
  });
}

/** A credentials provider that did not answer before the attempt's deadline (or the call was cancelled meanwhile). */
export function credentialsFailure(wasCancelled: boolean, timeoutMs: number): DbsError {
  if (wasCancelled) return cancelled();
  return new DbsError('Timeout', `the credentials provider did not answer within ${timeoutMs} ms (DBS_MCP_TIMEOUT_MS)`, { retryable: true });
}

/**
 * The proxy's reason phrase as the message shows it: the standard phrase bare, anything else quoted,
 * on one line and cleared of the proxy's user name and password, whatever their length.
 */
function reasonPhrase(proxy: URL, status: number, statusText: string | undefined): string {
  if (!statusText) return '';
  if (statusText === STATUS_CODES[status]) return ` ${statusText}`;
  const own = [proxy.password, decodedPassword(proxy), proxy.username, safeDecode(proxy.username)].filter((value): value is string => !!value);
  const redact = (text: string): string => redactSecrets(own.reduce((out, value) => out.split(value).join('***'), text));
  return ` "${upstreamText(statusText, 200, redact)}"`;
}

/** A CONNECT the proxy did not grant (or a 407 from a forwarding proxy); 407 and 403 will not change by retrying. */
export function proxyRefusal(endpoint: Endpoint, proxy: URL, status: number, statusText: string | undefined): DbsError {
  const name = describeProxy(proxy);
  const answer = `HTTP ${status}${reasonPhrase(proxy, status, statusText)}`;
  if (status === 407) {
    const what =
      proxy.username || proxy.password
        ? `did not accept the user name and password in ${proxyVariable(endpoint)}`
        : `asks for a user name and password, and ${proxyVariable(endpoint)} has none`;
    return new DbsError('ProxyError', `the proxy ${name} ${what} (${answer})`, { httpStatus: status });
  }
  return new DbsError('ProxyError', `the proxy ${name} refused the connection to ${endpoint.host} (${answer})`, {
    httpStatus: status,
    retryable: status >= 500,
  });
}

/** DBS never redirects: a 3xx comes from something in between, and following it would send the signed request elsewhere. */
export function redirectError(host: string, status: number, location: string | undefined): DbsError {
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

export function tooLarge(host: string, status: number, maxBytes: number): DbsError {
  return new DbsError('BadResponse', `the answer from ${host} exceeded ${maxBytes} bytes`, { httpStatus: status });
}
