import { describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { formatError, nextStep, ToolError } from '../../src/tools/shared/errors.js';

describe('formatError', () => {
  it('starts with the code, then the facts, then what to do', () => {
    const error = new DbsError('Forbidden.RAM', 'User not authorized to operate on the specified resource.', {
      httpStatus: 403,
      requestId: 'ABC-123',
      authAction: 'dbs:DescribeBackupSetDownloadTaskList',
    });
    expect(formatError(error)).toBe(
      [
        'Forbidden.RAM: User not authorized to operate on the specified resource.',
        'HTTP 403, request id ABC-123',
        'Next: Grant the RAM identity the action dbs:DescribeBackupSetDownloadTaskList (for example with a RAM policy), then call again.',
      ].join('\n'),
    );
  });

  it('names both read actions when a 403 does not say which one was denied', () => {
    expect(nextStep(new DbsError('Forbidden', 'denied', { httpStatus: 403 }))).toBe(
      'Grant the RAM identity the actions dbs:DescribeBackupPlanList and dbs:DescribeBackupSetDownloadTaskList (for example with a RAM policy), then call again.',
    );
  });

  it('mentions attempts when there were retries', () => {
    expect(formatError(new DbsError('Timeout', 'slow', { attempts: 3 }))).toMatch(/^Timeout: slow\nafter 3 attempts\nNext: .*DBS_MCP_TIMEOUT_MS/);
  });

  it.each([
    ['MissingCredentials', /ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/],
    ['InvalidAccessKeyId.NotFound', /ALIBABA_CLOUD_ACCESS_KEY_ID/],
    ['SignatureDoesNotMatch', /ALIBABA_CLOUD_ACCESS_KEY_SECRET/],
    ['Throttling.User', /wait a few seconds/],
    ['Param.NotFound', /backupPlanId/],
    ['InvalidSecurityToken.Expired', /ALIBABA_CLOUD_SECURITY_TOKEN/],
    ['InvalidTimeStamp.Expired', /clock/],
    ['NetworkError', /network access/],
    ['BadResponse', /not a DBS result/],
    ['Cancelled', /cancelled/],
    ['InvalidInput', /Fix the arguments/],
    ['ProxyError', /HTTPS_PROXY, or HTTP_PROXY .*user:password .*NO_PROXY/],
    ['CertificateError', /company's CA certificate: set NODE_EXTRA_CA_CERTS=/],
  ])('%s has a next step', (code, hint) => {
    expect(nextStep(new DbsError(code, 'm'))).toMatch(hint);
  });

  it('points a proxy that forbids the host to the proxy settings, not to RAM', () => {
    expect(nextStep(new DbsError('ProxyError', 'refused', { httpStatus: 403 }))).toMatch(/^Check the proxy settings/);
  });

  it('never prints "undefined" for missing facts', () => {
    expect(formatError(new DbsError('NetworkError', 'could not talk to host: ECONNREFUSED'))).not.toContain('undefined');
  });
});

describe('tool errors', () => {
  it('give the same advice as the DBS layer codes they share', () => {
    expect(formatError(new ToolError('InvalidInput', 'pageSize must be 30, 50 or 100'))).toBe(
      'InvalidInput: pageSize must be 30, 50 or 100\nNext: Fix the arguments as the message says and call again.',
    );
    expect(nextStep(new ToolError('TaskNotFound', 'no download task x'))).toMatch(
      /^Check backupSetDownloadTaskId and regionId \(list_backup_set_download_tasks with/,
    );
  });
});
