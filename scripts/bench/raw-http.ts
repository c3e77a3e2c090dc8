/**
 * The per-call reference: one DescribeBackupSetDownloadTaskList request over node:http with keep-alive,
 * signed by the server's own signer, its body neither parsed nor converted.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { authorization } from '../../src/dbs/sign.js';

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export interface RawClient {
  /** Sends one signed request; resolves with the body and its round-trip time in ms. */
  describe(query: Record<string, string>): Promise<{ status: number; body: Buffer; ms: number }>;
  close(): void;
}

export async function createRawClient(endpoint: string): Promise<RawClient> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const [hostname, port] = endpoint.split(':');

  return {
    describe(query) {
      const started = performance.now();
      const headers: Record<string, string> = {
        host: endpoint,
        'x-acs-version': '2019-03-06',
        'x-acs-action': 'DescribeBackupSetDownloadTaskList',
        'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        'x-acs-signature-nonce': randomUUID(),
        'x-acs-content-sha256': EMPTY_SHA256,
      };
      headers.authorization = authorization(
        { method: 'POST', query, headers, bodySha256: EMPTY_SHA256 },
        TEST_CREDENTIALS.accessKeyId,
        TEST_CREDENTIALS.accessKeySecret,
      );
      const search = new URLSearchParams(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1))).toString();
      return new Promise((resolve, reject) => {
        const req = http.request(
          { hostname, port: Number(port), method: 'POST', path: `/?${search}`, headers: { ...headers, 'content-length': '0' }, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const ms = performance.now() - started;
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms });
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}
