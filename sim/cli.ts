/**
 * `npm run simulator`: serves the demo plans on 127.0.0.1 so the server can be tried by hand
 * (MCP Inspector, an MCP client config) without an Alibaba Cloud account.
 */
import { parseArgs } from 'node:util';
import { DEMO_BACKUP_PLANS, DEMO_PLANS, TEST_CREDENTIALS } from './fixtures.js';
import { addMovingTasks, MOVING_PLAN_ID } from './moving-tasks.js';
import { startSimulator } from './simulator.js';

const USAGE = 'usage: simulator [--port 8787] [--latency-ms 0] [--settle-seconds 60]';
const say = (line = ''): void => void process.stderr.write(`${line}\n`);

function whole(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) {
    say(`--${name} must be a whole number from 0 to ${max}, got "${raw}"\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

let values: { port?: string; 'latency-ms'?: string; 'settle-seconds'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'latency-ms': { type: 'string', default: '0' },
      'settle-seconds': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  say(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  say(USAGE);
  process.exit(0);
}

const port = whole('port', values.port ?? '8787', 65_535);
const latencyMs = whole('latency-ms', values['latency-ms'] ?? '0', 60_000);
const settleMs = Math.max(1, whole('settle-seconds', values['settle-seconds'] ?? '60', 3_600)) * 1000;
const sim = await startSimulator({ plans: DEMO_PLANS, backupPlans: DEMO_BACKUP_PLANS, port, latencyMs }).catch((error: NodeJS.ErrnoException) => {
  say(error.code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port` : error.message);
  process.exit(1);
});

const plans = Object.entries(DEMO_PLANS).map(([id, tasks]) => `${id} (${tasks.length} tasks)`);
say(`DBS simulator listening on ${sim.url}; it verifies ACS3-HMAC-SHA256 signatures made with the test key.`);
say(`Plans: ${plans.join(', ')}`);
const regions = Object.entries(DEMO_BACKUP_PLANS).map(([region, list]) => `${region} (${list.length})`);
say(`Backup plans listed by DescribeBackupPlanList: ${regions.join(', ')}`);
say();
// Counted from start-up: a wait started within the first minute sees the tasks move.
const moving = addMovingTasks(sim, settleMs);
say(`Tasks that move along (plan ${MOVING_PLAN_ID}), to try wait_for_backup_set_download_task with:`);
for (const task of moving) say(`  ${task.taskId}: ${task.outcome} about ${Math.round(task.settlesAfterMs / 1000)} s after start`);
say();
say('Point the server at it with:');
say(`  ALIBABA_CLOUD_DBS_ENDPOINT=${sim.url}`);
say(`  ALIBABA_CLOUD_ACCESS_KEY_ID=${TEST_CREDENTIALS.accessKeyId}`);
say(`  ALIBABA_CLOUD_ACCESS_KEY_SECRET=${TEST_CREDENTIALS.accessKeySecret}`);
say();
say('Ctrl-C stops it.');

let seen = 0;
// One line a request, so a failed call can be matched to what the simulator answered.
const report = setInterval(() => {
  for (const r of sim.requests.slice(seen)) {
    if (r.status === 0) break;
    say(
      `${new Date(r.receivedAt).toISOString()} ${r.status} ${r.action ?? '-'} plan=${r.query.BackupPlanId ?? '-'} page=${r.query.PageNum ?? '0'}${r.code ? ` ${r.code}` : ''}`,
    );
    seen++;
  }
}, 200);

const stop = (): void => {
  clearInterval(report);
  void sim.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
