/**
 * Download tasks that change state while someone watches them, so the wait tool can be tried by hand
 * (`npm run simulator`) and shown (`npm run demo`): one finishes, one fails, one starts late and finishes.
 */
import { makeTasks } from './fixtures.js';
import type { Simulator } from './simulator.js';

export const MOVING_PLAN_ID = 'dbs1demomoving';

export interface MovingTask {
  taskId: string;
  /** What the wait tool ends with once the task has settled. */
  outcome: 'succeeded' | 'failed';
  /** From the call that set the tasks up. */
  settlesAfterMs: number;
}

/** Adds the moving plan to the simulator, its clock starting now; `settleMs` is when the first two tasks settle. */
export function addMovingTasks(sim: Simulator, settleMs: number): MovingTask[] {
  const now = Date.now();
  const [finishing, failing, late] = makeTasks({ planId: MOVING_PLAN_ID, count: 3, seed: 7, startMs: now - 60_000, stepMs: 1_000 });
  const unfinished = { BackupSetDownloadFinishTime: 0, ErrMessage: '', BackupSetDownloadInternetUrl: '', BackupSetDownloadIntranetUrl: '' };
  sim.setPlan(MOVING_PLAN_ID, [
    { ...finishing, ...unfinished, BackupSetDownloadTaskId: 'dbstkmoving01', BackupSetDownloadStatus: 'running' },
    { ...failing, ...unfinished, BackupSetDownloadTaskId: 'dbstkmoving02', BackupSetDownloadStatus: 'checking' },
    { ...late, ...unfinished, BackupSetDownloadTaskId: 'dbstkmoving03', BackupSetDownloadStatus: 'schedule' },
  ]);
  const finish = (afterMs: number) => ({ afterMs, set: { BackupSetDownloadStatus: 'finish', BackupSetDownloadFinishTime: now + afterMs } });
  sim.setTaskTimeline('dbstkmoving01', [{ afterMs: settleMs / 2, set: { BackupSetDownloadStatus: 'Running' } }, finish(settleMs)]);
  sim.setTaskTimeline('dbstkmoving02', [
    { afterMs: settleMs / 3, set: { BackupSetDownloadStatus: 'running' } },
    {
      afterMs: settleMs,
      set: {
        BackupSetDownloadStatus: 'stop',
        BackupSetDownloadFinishTime: now + settleMs,
        ErrMessage: 'OSS bucket quota exceeded while writing the backup set',
      },
    },
  ]);
  sim.setTaskTimeline('dbstkmoving03', [{ afterMs: settleMs, set: { BackupSetDownloadStatus: 'running' } }, finish(2 * settleMs)]);
  return [
    { taskId: 'dbstkmoving01', outcome: 'succeeded', settlesAfterMs: settleMs },
    { taskId: 'dbstkmoving02', outcome: 'failed', settlesAfterMs: settleMs },
    { taskId: 'dbstkmoving03', outcome: 'succeeded', settlesAfterMs: 2 * settleMs },
  ];
}
