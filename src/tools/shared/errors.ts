/** Failures as a tool reports them: its own input and not-found errors, and the "what to do next" advice for every failure. */
import { lookupPlace } from '../../dbs/endpoint.js';
import { DbsError } from '../../dbs/errors.js';
import { TOOL_NAMES } from './names.js';

/** A failure the tools find themselves, before or after the API: bad arguments, a task that is not there. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: 'InvalidInput' | 'TaskNotFound',
    message: string,
  ) {
    super(message);
  }
}

/** What a failed call reports: a tool's own error or the DBS layer's. */
export type Failure = ToolError | DbsError;

// HTTP facts come only with the DBS layer's errors.
const dbs = (error: Failure): DbsError | null => (error instanceof DbsError ? error : null);

interface Advice {
  when: (code: string, error: Failure) => boolean;
  next: string | ((error: Failure) => string);
}

const is =
  (...codes: string[]) =>
  (code: string): boolean =>
    codes.includes(code);
const startsWith =
  (...prefixes: string[]) =>
  (code: string): boolean =>
    prefixes.some((prefix) => code.startsWith(prefix));

function grantAdvice(error: Failure): string {
  // Without the denied action named, name both the tools need: one policy then covers either call.
  const authAction = dbs(error)?.authAction;
  const action = authAction ? `the action ${authAction}` : 'the actions dbs:DescribeBackupPlanList and dbs:DescribeBackupSetDownloadTaskList';
  return `Grant the RAM identity ${action} (for example with a RAM policy), then call again.`;
}

/** The first row whose `when` holds gives the advice; order matters where codes overlap (a proxy's 403 is not RAM's). */
const ADVICE: Advice[] = [
  {
    when: is('MissingCredentials'),
    next: 'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), or configure an aliyun CLI profile, credentials file, OIDC or ECS RAM role, then call again.',
  },
  { when: is('InvalidInput'), next: 'Fix the arguments as the message says and call again.' },
  {
    when: is('TaskNotFound'),
    next: `Check backupSetDownloadTaskId and regionId (${TOOL_NAMES.listBackupSetDownloadTasks} with the backupPlanId shows the plan's tasks), then call again.`,
  },
  { when: is('Timeout'), next: 'The endpoint did not answer in time: call again later, with a smaller pageSize, or raise DBS_MCP_TIMEOUT_MS.' },
  { when: is('NetworkError'), next: 'Check network access to the DBS endpoint (or ALIBABA_CLOUD_DBS_ENDPOINT and the region), then call again.' },
  {
    when: is('ProxyError'),
    next: 'Check the proxy settings (HTTPS_PROXY, or HTTP_PROXY for an http:// endpoint): host, port, and user:password (percent-encoded) for a proxy that asks for them; or list the DBS host in NO_PROXY to connect directly. Then call again.',
  },
  {
    when: is('CertificateError'),
    next: "If a company proxy or firewall re-signs TLS, give Node the company's CA certificate: set NODE_EXTRA_CA_CERTS=/path/to/company-ca.pem in the server's environment and restart it. Otherwise check ALIBABA_CLOUD_DBS_ENDPOINT and the region.",
  },
  {
    when: is('BadResponse'),
    next: 'The endpoint or a gateway in front of it answered with something that is not a DBS result: call again later, or check ALIBABA_CLOUD_DBS_ENDPOINT.',
  },
  { when: is('Cancelled'), next: 'The call was cancelled; call again if the answer is still needed.' },
  { when: is('Busy'), next: 'This server has too many calls waiting for the DBS endpoint: call again in a few seconds, or make fewer calls at once.' },
  { when: (code, error) => code.startsWith('Forbidden') || code === 'NoPermission' || dbs(error)?.httpStatus === 403, next: grantAdvice },
  {
    when: startsWith('InvalidAccessKeyId'),
    next: 'The AccessKey ID is unknown or disabled: check ALIBABA_CLOUD_ACCESS_KEY_ID (or the credentials profile) and call again.',
  },
  {
    when: is('SignatureDoesNotMatch', 'IncompleteSignature'),
    next: 'The AccessKey secret does not match the AccessKey ID: check ALIBABA_CLOUD_ACCESS_KEY_SECRET and call again.',
  },
  {
    when: startsWith('InvalidSecurityToken'),
    next: 'The STS security token is missing, expired or does not match: refresh ALIBABA_CLOUD_SECURITY_TOKEN together with the key pair.',
  },
  { when: startsWith('InvalidTimeStamp'), next: "Correct this machine's clock (requests are refused when it is more than 15 minutes off)." },
  {
    when: startsWith('Throttling'),
    next: 'The API is throttling this account: wait a few seconds and call again, or fetch fewer pages at once (DBS_MCP_CONCURRENCY).',
  },
  {
    when: (code) => code === 'Param.NotFound' || code.startsWith('InvalidParameter') || code.startsWith('Param.'),
    next: 'Check backupPlanId / backupSetDownloadTaskId (and that the region is the one the plan lives in), then call again.',
  },
  { when: (_code, error) => dbs(error)?.retryable === true, next: 'The service reported a transient failure: call again in a few seconds.' },
];

const FALLBACK = 'Check the arguments, the region and the credentials; call again if the cause was transient.';

/** One line of what to do next, per code. */
export function nextStep(error: Failure): string {
  const advice = ADVICE.find((row) => row.when(error.code, error));
  if (advice === undefined) return FALLBACK;
  return typeof advice.next === 'string' ? advice.next : advice.next(error);
}

/** The text block of a failed call: code first, then the facts, then what to do. */
export function formatError(error: Failure): string {
  const facts: string[] = [];
  const { httpStatus, requestId, attempts } = dbs(error) ?? {};
  if (httpStatus !== undefined) facts.push(`HTTP ${httpStatus}`);
  if (requestId) facts.push(`request id ${requestId}`);
  if (attempts !== undefined && attempts > 1) facts.push(`after ${attempts} attempts`);
  const lines = [`${error.code}: ${error.message}`];
  if (facts.length > 0) lines.push(facts.join(', '));
  lines.push(`Next: ${nextStep(error)}`);
  return lines.join('\n');
}

/**
 * The API answers an unknown plan with a parameter error that names neither the plan nor the region;
 * a plan lives in one region, so the region it was looked up in is the first thing to check.
 */
export function planNotFound(error: unknown, backupPlanId: string | undefined, regionId: string, host: string): unknown {
  if (!(error instanceof DbsError) || !backupPlanId) return error;
  if (error.code !== 'Param.NotFound' && !/BackupPlanId/i.test(error.code)) return error;
  const place = lookupPlace(regionId, host);
  // The endpoint is named once: the shared one's place names it already.
  const where = place.includes(host) ? `${place} (` : `${place} (endpoint ${host}; `;
  const message = `backup plan ${backupPlanId} was not found ${where}${TOOL_NAMES.listBackupPlans} lists the plans of a region): ${error.message}`;
  const wrapped = new DbsError(error.code, message, {
    httpStatus: error.httpStatus,
    requestId: error.requestId,
    retryable: false,
    authAction: error.authAction,
  });
  wrapped.attempts = error.attempts;
  return wrapped;
}
