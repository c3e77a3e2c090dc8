/**
 * The bench's DBS simulator in its own process, so its work shares no event loop with the bench's timers.
 * Answers { endpoint } once listening, then { ok } to each { latencyMs } message.
 */
import { ACCOUNT, makeTasks } from '../../sim/fixtures.js';
import { startSimulator } from '../../sim/simulator.js';
import { PLAN_ID, PLAN_SEED, PLAN_TASKS } from './plan.js';

// The account fixture serves the region-wide calls; its plans live in their own regions.
const sim = await startSimulator({
  plans: { [PLAN_ID]: makeTasks({ planId: PLAN_ID, count: PLAN_TASKS, seed: PLAN_SEED }), ...ACCOUNT.tasks },
  backupPlans: ACCOUNT.backupPlans,
});
process.on('message', (message: { latencyMs?: number }) => {
  if (typeof message.latencyMs === 'number') sim.setLatency(message.latencyMs);
  process.send?.({ ok: true });
});
process.on('disconnect', () => void sim.close().finally(() => process.exit(0)));
process.send?.({ endpoint: sim.endpoint });
