/**
 * `list_backup_plans` over a busy account: the built server over stdio against the simulator's
 * seven plans in three regions (one paused, one locked by an expired instance), every request signed.
 * Several regions in one call, why a plan is not backing up, and the backup schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT } from '../../sim/fixtures.js';
import { startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

const TOOL = 'list_backup_plans';
const ALL_PLANS: RawTask[] = Object.values(ACCOUNT.backupPlans).flat();
const plan = (id: string): RawTask => ALL_PLANS.find((p) => p.BackupPlanId === id)!;
const PAUSED = ALL_PLANS.find((p) => p.BackupPlanStatus === 'pause')!;
const LOCKED = ALL_PLANS.find((p) => p.BackupPlanStatus === 'locked')!;
const regionOf = (id: string): string => Object.entries(ACCOUNT.backupPlans).find(([, plans]) => plans.some((p) => p.BackupPlanId === id))![0];

interface Structured {
  summary: { fetched: number; byRegion: Record<string, number>; attention: { backupPlanId: string; status: string; regionId: string; reason: string }[] };
  regions: { regionId: string; plans: number; complete: boolean; error: { code: string } | null }[];
  plans: {
    backupPlanId: string;
    regionId: string;
    backupPeriod: string[] | null;
    backupStartTime: string | null;
    instanceChargeType: string | null;
    instanceExpiredAt: string | null;
  }[];
}

let sim: Simulator;
let session: StdioSession;
beforeAll(async () => {
  sim = await startSimulator({ plans: ACCOUNT.tasks, backupPlans: ACCOUNT.backupPlans });
  // One region at a time, so a fault that hits once hits the first region.
  session = await spawnServer(simulatorEnv(sim, { DBS_MCP_CONCURRENCY: '1' }));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

async function call(args: Record<string, unknown>): Promise<{ text: string; s: Structured }> {
  const result = await session.callTool(args, { name: TOOL });
  expect(result.isError, result.text).toBeFalsy();
  return { text: result.text, s: result.structuredContent as unknown as Structured };
}

/** Table rows under the header line, each cell under its column name. */
function rows(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('id | '));
  expect(start, text).toBeGreaterThanOrEqual(0);
  const columns = lines[start]!.split(' | ');
  return lines
    .slice(start + 1)
    .map((l) => l.split(' | '))
    .filter((cells) => cells.length === columns.length)
    .map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i]!])));
}

describe('list_backup_plans across regions', () => {
  it('reads several regions in one call, sending each as Region, and says each plan row its region', async () => {
    const from = sim.requests.length;
    const { text, s } = await call({ regionIds: ACCOUNT.regions });
    const sent = sim.requests
      .slice(from)
      .filter((r) => r.action === 'DescribeBackupPlanList')
      .map((r) => r.query.Region);
    expect(sent.sort()).toEqual([...ACCOUNT.regions].sort());
    expect(s.summary.fetched).toBe(ALL_PLANS.length);
    const table = rows(text);
    expect(table.map((r) => r.id).sort()).toEqual(ALL_PLANS.map((p) => String(p.BackupPlanId)).sort());
    for (const row of table) expect(row.region).toBe(regionOf(row.id!));
    for (const p of s.plans) expect(p.regionId).toBe(regionOf(p.backupPlanId));
    const byRegion = Object.fromEntries(ACCOUNT.regions.map((r) => [r, ACCOUNT.backupPlans[r]!.length]));
    expect(s.summary.byRegion).toEqual(byRegion);
    expect(text).toContain(
      `By region: ${Object.entries(byRegion)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')}.`,
    );
    expect(s.regions.map((r) => [r.regionId, r.complete, r.error])).toEqual(ACCOUNT.regions.map((r) => [r, true, null]));
  });

  it('reads every region DBS serves with allRegions (DescribeRegions first), and points at the region-wide download call', async () => {
    const from = sim.requests.length;
    const { text, s } = await call({ allRegions: true });
    const actions = sim.requests.slice(from).map((r) => r.action);
    expect(actions[0]).toBe('DescribeRegions');
    const regions = sim.requests.slice(from).filter((r) => r.action === 'DescribeBackupPlanList').length;
    expect(regions).toBe(s.regions.length);
    expect(s.regions.length).toBeGreaterThan(ACCOUNT.regions.length);
    expect(s.summary.fetched).toBe(ALL_PLANS.length);
    expect(text.split('\n')[0]).toMatch(/^Backup plans in every region DBS serves \(\d+\): /);
    expect(text).toContain('call list_backup_set_download_tasks without backupPlanId: {"allRegions":true}.');
  });

  it('names a region whose listing failed and answers for the others', async () => {
    sim.addFault({ kind: 'forbidden', action: 'DescribeBackupPlanList', times: 1 });
    try {
      const { text, s } = await call({ regionIds: ACCOUNT.regions });
      const [failed, ...rest] = ACCOUNT.regions;
      expect(s.regions[0]).toMatchObject({ regionId: failed, plans: 0, complete: false, error: { code: 'Forbidden.RAM' } });
      expect(s.summary.fetched).toBe(rest.reduce((n, r) => n + ACCOUNT.backupPlans[r]!.length, 0));
      expect(text).toContain(`Warning: region ${failed}: the plan listing failed (Forbidden.RAM: `);
    } finally {
      sim.clearFaults();
    }
  });
});

describe('list_backup_plans: why a plan is not backing up, and when it backs up', () => {
  it('lists a paused plan on its own attention line: paused, not backing up', async () => {
    const { text, s } = await call({ regionIds: ACCOUNT.regions });
    const id = String(PAUSED.BackupPlanId);
    expect(text).toContain(`- ${id} (${regionOf(id)}) ${String(PAUSED.BackupPlanName)} [pause]: paused: not backing up`);
    expect(s.summary.attention).toContainEqual(expect.objectContaining({ backupPlanId: id, status: 'pause', reason: 'paused: not backing up' }));
  });

  it('says why a locked plan is locked: the instance expiry date and charge type the API gives', async () => {
    const region = regionOf(String(LOCKED.BackupPlanId));
    const { text, s } = await call({ regionId: region });
    const expired = new Date(Number(LOCKED.InstanceExpiredTimestamp)).toISOString();
    const line = `- ${String(LOCKED.BackupPlanId)} ${String(LOCKED.BackupPlanName)} [locked]: locked: the instance expired on ${expired.slice(0, 10)}; charge type ${String(LOCKED.InstanceChargeType)} (subscription)`;
    expect(text.split('\n')).toContain(line);
    expect(text).not.toContain('[locked: locked]: no error message');
    const structured = s.plans.find((p) => p.backupPlanId === LOCKED.BackupPlanId)!;
    expect(structured).toMatchObject({ instanceExpiredAt: expired, instanceChargeType: LOCKED.InstanceChargeType });
    // One region read: no region column.
    expect(text.split('\n').find((l) => l.startsWith('id | '))).toBe('id | name | status | database | source | schedule | auto-download | created');
  });

  it('gives each plan its schedule, weekdays and start time, in the table and structuredContent', async () => {
    const { text, s } = await call({ regionIds: ACCOUNT.regions });
    const table = rows(text);
    const short = (days: string[]): string => (days.length === 7 ? 'daily' : days.map((d) => d.slice(0, 3)).join(','));
    for (const raw of ALL_PLANS) {
      const days = String(raw.BackupPeriod).split(',');
      expect(table.find((r) => r.id === raw.BackupPlanId)!.schedule).toBe(`${short(days)} ${String(raw.BackupStartTime)}`);
      expect(s.plans.find((p) => p.backupPlanId === raw.BackupPlanId)).toMatchObject({ backupPeriod: days, backupStartTime: raw.BackupStartTime });
    }
    expect(table.find((r) => r.id === 'dbs1acct0hz002')!.schedule).toBe('Mon,Thu 03:00');
    expect(plan('dbs1acct0hz001').BackupPeriod).toBe('Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday');
    expect(table.find((r) => r.id === 'dbs1acct0hz001')!.schedule).toBe('daily 02:00');
  });

  it('refuses regionId together with regionIds, before any request', async () => {
    const from = sim.requests.length;
    const result = await session.callTool({ regionId: 'cn-hangzhou', regionIds: ['cn-shanghai'] }, { name: TOOL });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^InvalidInput: give one of regionId, regionIds and allRegions, not regionId and regionIds/);
    expect(sim.requests.length).toBe(from);
  });
});
