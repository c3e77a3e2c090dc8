/**
 * The bench's per-call verdict: a ratio to a bare SDK server doing the same signed request, so load on
 * the host does not decide it. The reference is compiled and run here as the bench runs it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTasks, TEST_CREDENTIALS } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import { perCallRows, type PerCallFigures } from '../../scripts/bench/per-call.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function figures(toolMs: number, referenceMs: number, httpMs: number): PerCallFigures {
  return { tool: [toolMs], reference: [referenceMs], http: [httpMs], first: 50, serverCpuMs: 2, sizes: { ours: 80_000, theirs: 80_100 } };
}

describe('per-call verdict', () => {
  it('judges the ratio to the reference, not the absolute time', () => {
    const verdict = (f: PerCallFigures) => perCallRows(f).filter((r) => r.pass !== null);
    // A busy host: everything three times slower, the ratio unchanged.
    expect(verdict(figures(15, 12, 9))).toEqual([expect.objectContaining({ value: '1.25x', target: '<= 1.50x', pass: true })]);
    expect(verdict(figures(5, 4, 2))).toEqual([expect.objectContaining({ value: '1.25x', pass: true })]);
    // A server that grew slow against the same reference.
    expect(verdict(figures(8, 4, 2))).toEqual([expect.objectContaining({ value: '2.00x', pass: false })]);
  });
});

describe('the signed reference server', () => {
  it('makes the signed request and answers with as many characters as asked', async () => {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}bench/tsconfig.signed.json`]);
    const sim = await startSimulator({ plans: { dbs1benchplan1: makeTasks({ planId: 'dbs1benchplan1', count: 150 }) } });
    const client = new Client({ name: 'bench-test', version: '1.0.0' });
    try {
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [`${ROOT}.tmp/signed-reference/bench/signed-reference-server.js`],
          env: { ALIBABA_CLOUD_DBS_ENDPOINT: sim.url, ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId },
        }),
      );
      for (const answerChars of [90_000, 120_000]) {
        const result = (await client.callTool({
          name: 'list_page',
          arguments: { backupPlanId: 'dbs1benchplan1', pageSize: 100, answerChars },
        })) as CallToolResult;
        expect(result.isError).toBeFalsy();
        const page = result.structuredContent as { Items: { BackupSetDownloadTaskDetail: unknown[] } };
        expect(page.Items.BackupSetDownloadTaskDetail).toHaveLength(100);
        const text = result.content[0]!.type === 'text' ? result.content[0]!.text : '';
        expect(text.length + JSON.stringify(page).length).toBe(answerChars);
      }
      expect(sim.requests.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await client.close();
      await sim.close();
    }
  });
});
