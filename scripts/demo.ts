/**
 * `npm run demo`: starts the local DBS simulator, spawns the built server over stdio with a real
 * MCP client, makes real tool calls (signed requests the simulator verifies) and prints what a model sees.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { fileURLToPath } from 'node:url';
import { DEMO_BACKUP_PLANS, DEMO_PLANS } from '../sim/fixtures.js';
import { addMovingTasks, MOVING_PLAN_ID } from '../sim/moving-tasks.js';
import { startSimulator } from '../sim/simulator.js';
import { stdioToSimulator } from './simulated-server.js';

const serverPath = fileURLToPath(new URL('../index.js', import.meta.url));
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

/** The next step, printed last: the same server in a real client, with a real AccessKey in place of the placeholders. */
function connectInstructions(server: string): string {
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI...', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '...', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };
  const entry = JSON.stringify({ mcpServers: { 'dbs-backup': { command: 'node', args: [server], env } } }, null, 2);
  const flags = Object.entries(env).map(([name, value]) => `  --env ${name}=${value} \\`);
  return [
    '=== Next: connect a client (replace LTAI... and ... with your AccessKey pair; `npm run simulator` serves the demo data instead)',
    'Claude Desktop (claude_desktop_config.json) or Cursor (.cursor/mcp.json):',
    entry,
    '',
    'Claude Code:',
    'claude mcp add --transport stdio --scope user dbs-backup \\',
    ...flags,
    `  -- node ${server}`,
    '',
    'Once published to npm, "npx -y dbs-backup-mcp" replaces "node <path>"; the README lists every install path.',
  ].join('\n');
}

const sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: DEMO_BACKUP_PLANS });
const transport = stdioToSimulator(serverPath, sim);
const client = new Client({ name: 'dbs-backup-mcp-demo', version: '1.0.0' });

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  out(`Server ${client.getServerVersion()?.name} ${client.getServerVersion()?.version} at ${serverPath}`);
  out(`Simulated DBS endpoint ${sim.url} (verifies ACS3-HMAC-SHA256 signatures)`);
  out(`Tools: ${tools.map((t) => t.name).join(', ')}`);

  const show = async (title: string, name: string, args: Record<string, unknown>): Promise<Record<string, unknown> | undefined> => {
    out();
    out(`=== ${title}`);
    out(`tools/call ${name} ${JSON.stringify(args)}`);
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as { type: string; text?: string }[];
    out('--- text the model reads:');
    out(content.map((c) => c.text ?? '').join('\n'));
    const structured = result.structuredContent as { request?: { requestIds?: string[] } } | undefined;
    out(`--- structuredContent: ${structured?.request?.requestIds?.length ?? 0} signed request(s) verified`);
    return result.structuredContent as Record<string, unknown> | undefined;
  };

  // Discovery first: the user names no plan, so the assistant finds the plans and their ids.
  const discovered = (await show('Which backup plans do I have, and are any of them failing?', 'list_backup_plans', {})) as
    { plans?: { backupPlanId: string | null; autoDownload: boolean | null }[] } | undefined;
  const planId = discovered?.plans?.find((p) => p.autoDownload)?.backupPlanId ?? 'dbs1demoplan01';
  const list = (title: string, args: Record<string, unknown>) => show(title, 'list_backup_set_download_tasks', args);
  // An account question: no plan id, so the server reads every plan of every region and does the sums.
  await list('Across all my plans and regions: what failed, what is not finished, how much data moved?', { allRegions: true, limit: 5 });
  await list(`Which downloads of plan ${planId} failed, and why? (init and stop count as failed)`, {
    backupPlanId: planId,
    allPages: true,
    states: ['failed'],
    limit: 5,
  });
  await list('Which were created on 2026-11-27?', { backupPlanId: planId, allPages: true, createdAfter: '2026-11-27', createdBefore: '2026-11-28' });
  await list('What was the last successful download?', { backupPlanId: planId, allPages: true, states: ['succeeded'], sortBy: 'finished', limit: 1 });
  const initTask = (DEMO_PLANS[planId] ?? []).find((t) => String(t.BackupSetDownloadStatus) === 'init')?.BackupSetDownloadTaskId;
  if (initTask !== undefined) await list('Every field of one task that never started', { backupSetDownloadTaskId: initTask });
  await list('First page only, 30 tasks a page: the text says it covers part of the plan', { backupPlanId: planId, limit: 5 });
  await list('A plan with no download tasks', { backupPlanId: 'dbs1emptyplan0' });

  // A download that finishes while the server watches it: the simulator moves it along a timeline.
  const [moving] = addMovingTasks(sim, 3000);
  const taskId = moving!.taskId;
  const waitPlan = MOVING_PLAN_ID;
  const waitArgs = { backupSetDownloadTaskId: taskId, backupPlanId: waitPlan, pollIntervalSeconds: 2, timeoutSeconds: 30 };
  out();
  out(`=== Tell me when download ${taskId} is ready`);
  out(`tools/call wait_for_backup_set_download_task ${JSON.stringify(waitArgs)}`);
  const waited = await client.callTool({ name: 'wait_for_backup_set_download_task', arguments: waitArgs }, undefined, {
    onprogress: (p) => out(`progress ${p.progress.toFixed(1)}/${p.total}: ${p.message}`),
  });
  out('--- text the model reads:');
  out((waited.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n'));
  if ((waited.structuredContent as { outcome?: string } | undefined)?.outcome !== 'succeeded') process.exitCode = 1;

  const rejected = sim.requests.filter((r) => r.status !== 200);
  out();
  out(`Simulator saw ${sim.requests.length} request(s), ${rejected.length} rejected.`);
  if (rejected.length > 0) process.exitCode = 1;
  out();
  out(connectInstructions(serverPath));
} finally {
  await client.close();
  await sim.close();
}
