/**
 * Local stand-ins for the services that hand out temporary credentials to the `@alicloud/credentials`
 * providers: a credentials URI, the ECS metadata service and STS (AssumeRole, AssumeRoleWithOIDC).
 * Each answers the JSON shape the provider parses, records what it was asked, and listens on loopback.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { percentEncode } from './simulator.js';

/** Temporary credentials as an issuer hands them out. */
export interface IssuedCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** When they stop working; the providers refresh 15 minutes before this. */
  expiresAt: Date;
}

export interface ReceivedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The url-encoded form body, decoded. */
  form: Record<string, string>;
  headers: Record<string, string>;
}

export interface LocalService {
  /** `127.0.0.1:port`. */
  readonly host: string;
  readonly url: string;
  readonly calls: ReceivedCall[];
  close(): Promise<void>;
}

/** A self-signed certificate (valid to 2126) for 127.0.0.1, localhost and sts.aliyuncs.com; trust it with NODE_EXTRA_CA_CERTS. */
export const TEST_TLS = {
  certPath: fileURLToPath(new URL('./tls/loopback-sts.crt', import.meta.url)),
  keyPath: fileURLToPath(new URL('./tls/loopback-sts.key', import.meta.url)),
};

/** The `Expiration` format the providers parse: seconds, UTC, `Z`. */
export function expirationText(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type Handler = (call: ReceivedCall) => { status: number; body: unknown };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function listen(server: Server, protocol: 'http' | 'https', handler: Handler): Promise<LocalService> {
  const calls: ReceivedCall[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const call: ReceivedCall = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        form: Object.fromEntries(new URLSearchParams(body)),
        headers: flatten(req.headers),
      };
      calls.push(call);
      const { status, body: answer } = handler(call);
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      res.writeHead(status, { 'content-type': typeof answer === 'string' ? 'text/plain' : 'application/json;charset=utf-8' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `${protocol}://${host}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Temporary credentials as both the credentials URI and the ECS metadata service answer them. */
function credentialBody(c: IssuedCredential): Record<string, string> {
  return {
    Code: 'Success',
    AccessKeyId: c.accessKeyId,
    AccessKeySecret: c.accessKeySecret,
    SecurityToken: c.securityToken,
    Expiration: expirationText(c.expiresAt),
  };
}

/** What `ALIBABA_CLOUD_CREDENTIALS_URI` points at: GET answers the next credentials from `issue`. */
export function startCredentialsUri(issue: () => IssuedCredential): Promise<LocalService> {
  return listen(createHttpServer(), 'http', (call) => {
    if (call.method !== 'GET') return { status: 405, body: { Code: 'MethodNotAllowed' } };
    return { status: 200, body: credentialBody(issue()) };
  });
}

/**
 * The ECS metadata service at 100.100.100.200 (reached through a loopback redirect), IMDSv2 style:
 * PUT /latest/api/token, then GET the role name and the role's credentials with that token.
 */
export function startMetadataService(roleName: string, issue: () => IssuedCredential): Promise<LocalService> {
  const sessionToken = `imds-${randomUUID()}`;
  const ROLE_PATH = '/latest/meta-data/ram/security-credentials/';
  return listen(createHttpServer(), 'http', (call) => {
    if (call.method === 'PUT' && call.path === '/latest/api/token') {
      if (!call.headers['x-aliyun-ecs-metadata-token-ttl-seconds']) return { status: 400, body: 'missing ttl' };
      return { status: 200, body: sessionToken };
    }
    if (call.headers['x-aliyun-ecs-metadata-token'] !== sessionToken) return { status: 401, body: 'Unauthorized' };
    if (call.method === 'GET' && call.path === ROLE_PATH) return { status: 200, body: roleName };
    if (call.method === 'GET' && call.path === `${ROLE_PATH}${roleName}`) {
      return { status: 200, body: { ...credentialBody(issue()), LastUpdated: expirationText(new Date()) } };
    }
    return { status: 404, body: 'Not Found' };
  });
}

export interface StsOptions {
  /** Who may call AssumeRole (its HMAC-SHA1 signature is checked), and which roles they may assume. */
  callers?: Array<{ accessKeyId: string; accessKeySecret: string; roleArn: string }>;
  /** The OIDC tokens AssumeRoleWithOIDC accepts, with the provider and role they belong to. */
  oidc?: Array<{ token: string; providerArn: string; roleArn: string }>;
  issue: () => IssuedCredential;
}

function stsError(status: number, code: string, message: string): { status: number; body: unknown } {
  return { status, body: { RequestId: randomUUID().toUpperCase(), HostId: 'sts.aliyuncs.com', Code: code, Message: message } };
}

function assumed(roleArn: string, c: IssuedCredential): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      RequestId: randomUUID().toUpperCase(),
      AssumedRoleUser: { Arn: `${roleArn}/session`, AssumedRoleId: '300000000000000000:session' },
      Credentials: {
        AccessKeyId: c.accessKeyId,
        AccessKeySecret: c.accessKeySecret,
        SecurityToken: c.securityToken,
        Expiration: expirationText(c.expiresAt),
      },
    },
  };
}

/** STS over HTTPS with the test certificate: AssumeRole (signed by a caller's AccessKey) and AssumeRoleWithOIDC. */
export function startSts(options: StsOptions): Promise<LocalService> {
  const server = createHttpsServer({ key: readFileSync(TEST_TLS.keyPath), cert: readFileSync(TEST_TLS.certPath) });
  return listen(server, 'https', (call) => {
    if (call.method !== 'POST') return stsError(400, 'UnsupportedHTTPMethod', 'This http method is not supported.');
    const action = call.query.Action;
    if (action === 'AssumeRoleWithOIDC') {
      const match = options.oidc?.find((o) => o.token === call.form.OIDCToken);
      if (!match) return stsError(400, 'InvalidParameter.OIDCToken', 'The OIDC token is invalid.');
      if (match.providerArn !== call.form.OIDCProviderArn) return stsError(404, 'EntityNotExist.OIDCProvider', 'The OIDC provider does not exist.');
      if (match.roleArn !== call.form.RoleArn) return stsError(404, 'EntityNotExist.Role', 'The role does not exist.');
      return assumed(match.roleArn, options.issue());
    }
    if (action === 'AssumeRole') {
      const caller = options.callers?.find((c) => c.accessKeyId === call.query.AccessKeyId);
      if (!caller) return stsError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const params: Record<string, string> = { ...call.query, ...call.form };
      delete params.Signature;
      const canonical = Object.keys(params)
        .sort()
        .map((key) => `${percentEncode(key)}=${percentEncode(params[key]!)}`)
        .join('&');
      const stringToSign = `POST&${percentEncode('/')}&${percentEncode(canonical)}`;
      const expected = createHmac('sha1', `${caller.accessKeySecret}&`).update(stringToSign).digest('base64');
      if (expected !== call.query.Signature) return stsError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      if (caller.roleArn !== call.form.RoleArn) return stsError(403, 'NoPermission', 'You are not authorized to do this action.');
      return assumed(caller.roleArn, options.issue());
    }
    return stsError(404, 'InvalidAction.NotFound', 'Specified api is not found.');
  });
}
