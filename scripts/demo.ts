/**
 * `npm run demo`: starts the local DBS simulator, spawns the built server over stdio with a real
 * MCP client, makes real tool calls (signed requests the simulator verifies) and prints what a model sees.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { DEMO_PLANS, TEST_CREDENTIALS } from '../sim/fixtures.js';
import { startSimulator } from '../sim/simulator.js';

const serverPath = fileURLToPath(new URL('../index.js', import.meta.url));
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

const sim = await startSimulator({ plans: DEMO_PLANS });
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [serverPath],
  env: {
    ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
  },
  stderr: 'inherit',
});
const client = new Client({ name: 'dbs-backup-mcp-demo', version: '1.0.0' });

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  out(`Server ${client.getServerVersion()?.name} ${client.getServerVersion()?.version} at ${serverPath}`);
  out(`Simulated DBS endpoint ${sim.url} (verifies ACS3-HMAC-SHA256 signatures)`);
  out(`Tools: ${tools.map((t) => t.name).join(', ')}`);

  const demo = DEMO_PLANS.dbs1demoplan01 ?? [];
  const initTask = demo.find((t) => String(t.BackupSetDownloadStatus) === 'init')?.BackupSetDownloadTaskId;
  const calls: { title: string; args: Record<string, unknown> }[] = [
    { title: 'Which downloads of plan dbs1demoplan01 failed, and why? (init and stop count as failed)', args: { backupPlanId: 'dbs1demoplan01', allPages: true, states: ['failed'], limit: 5 } },
    { title: 'Which were created on 2026-11-27?', args: { backupPlanId: 'dbs1demoplan01', allPages: true, createdAfter: '2026-11-27', createdBefore: '2026-11-28' } },
    { title: 'What was the last successful download?', args: { backupPlanId: 'dbs1demoplan01', allPages: true, states: ['succeeded'], sortBy: 'finished', limit: 1 } },
    { title: 'Every field of one task that never started', args: { backupSetDownloadTaskId: initTask } },
    { title: 'First page only, 30 tasks a page: the text says it covers part of the plan', args: { backupPlanId: 'dbs1demoplan01', limit: 5 } },
    { title: 'A plan with no download tasks', args: { backupPlanId: 'dbs1emptyplan0' } },
  ];
  for (const { title, args } of calls) {
    out();
    out(`=== ${title}`);
    out(`tools/call ${tools[0]?.name} ${JSON.stringify(args)}`);
    const result = await client.callTool({ name: 'list_backup_set_download_tasks', arguments: args });
    const content = result.content as { type: string; text?: string }[];
    out('--- text the model reads:');
    out(content.map((c) => c.text ?? '').join('\n'));
    const structured = result.structuredContent as { summary?: { byState?: unknown }; request?: { requestIds?: string[] } } | undefined;
    out(`--- structuredContent: summary.byState ${JSON.stringify(structured?.summary?.byState)}, ${structured?.request?.requestIds?.length ?? 0} signed request(s) verified`);
  }
  const rejected = sim.requests.filter((r) => r.status !== 200);
  out();
  out(`Simulator saw ${sim.requests.length} request(s), ${rejected.length} rejected.`);
  if (rejected.length > 0) process.exitCode = 1;
} finally {
  await client.close();
  await sim.close();
}
