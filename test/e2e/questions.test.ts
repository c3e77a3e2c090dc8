/**
 * Everyday questions about download tasks, asked of the built server over stdio against the simulator
 * and answered from the text block alone, as a model that never sees structuredContent would.
 * Every expected answer is worked out here from the raw fixtures, independently of the server's code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, makeTasks } from '../../sim/fixtures.js';
import { startSimulator, type RawTask, type Simulator } from '../../sim/simulator.js';
import { simulatorEnv, spawnServer, type StdioSession } from '../helpers/stdio.js';

const PLAN = 'dbs1qaplan0001';
const BIG = 'dbs1qabigplan1';
const EMPTY = 'dbs1qaempty001';
const RECENT = 'dbs1qarecent01';
const HOUR = 3_600_000;

const plan = makeTasks({ planId: PLAN, count: 240, seed: 17 });
const big = makeTasks({ planId: BIG, count: 1437, seed: 5, stepMs: HOUR });
const now = Date.now();
const recent: RawTask[] = [0.5, 3, 10, 23, 25, 50, 24 * 8].map((hours, i) => ({
  BackupPlanId: RECENT,
  BackupSetDownloadTaskId: `dbstkrecent${i}`,
  BackupSetDownloadTaskName: `recent ${hours}h`,
  BackupSetDownloadStatus: 'finish',
  BackupSetDownloadCreateTime: Math.round(now - hours * HOUR),
  BackupSetDownloadFinishTime: Math.round(now - hours * HOUR + 60_000),
}));

// One plan of the busy account, its 30 days ending now: "yesterday" holds finished tasks.
const SHOP = 'dbs1acct0hz001';
// One account, at the time of the run: SHOP is one of its plans, and "yesterday" is the real one.
const ACCOUNT = makeAccount({ nowMs: now });
const shop = ACCOUNT.tasks[SHOP]!;
const DAY = 24 * HOUR;

// The contract's meanings, written out here: init is a failed precheck, stop a failed download.
const FAILED = new Set(['init', 'stop', 'failed', 'warning', 'caught']);
const status = (t: RawTask): string => String(t.BackupSetDownloadStatus ?? '').toLowerCase();
const id = (t: RawTask): string => String(t.BackupSetDownloadTaskId);
const created = (t: RawTask): number => Number(t.BackupSetDownloadCreateTime);
const finished = (t: RawTask): number => Number(t.BackupSetDownloadFinishTime ?? 0);
const isFailed = (t: RawTask): boolean => FAILED.has(status(t));
const minute = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

let sim: Simulator;
let session: StdioSession;
beforeAll(async () => {
  sim = await startSimulator({ plans: { [PLAN]: plan, [BIG]: big, [EMPTY]: [], [RECENT]: recent, ...ACCOUNT.tasks }, backupPlans: ACCOUNT.backupPlans });
  session = await spawnServer(simulatorEnv(sim));
});
afterAll(async () => {
  await session?.close();
  await sim?.close();
});

/** Asks the tool and keeps only the text block: nothing here reads structuredContent. */
async function ask(args: Record<string, unknown>): Promise<string> {
  const result = await session.callTool(args);
  expect(result.isError, result.text).toBeFalsy();
  return result.text;
}

function line(text: string, pattern: RegExp): RegExpExecArray {
  for (const l of text.split('\n')) {
    const match = pattern.exec(l);
    if (match) return match;
  }
  throw new Error(`no line matches ${pattern} in:\n${text}`);
}

const number = (s: string): number => Number(s.replace(/,/g, ''));
const UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const bytes = (s: string): number => {
  const [value, unit] = s.split(' ');
  return Number(value) * UNIT[unit!]!;
};

/** "By state (count, data size): succeeded 40 (1.2 TiB), failed 12 (3.4 GiB)." */
function byState(text: string): Record<string, { count: number; bytes: number }> {
  const states: Record<string, { count: number; bytes: number }> = {};
  for (const m of line(text, /^By state \(count, data size\): (.*)\.$/)[1]!.matchAll(/(\w+) ([\d,]+) \(([\d.]+ \w+)\)/g)) {
    states[m[1]!] = { count: number(m[2]!), bytes: bytes(m[3]!) };
  }
  return states;
}

/** The rows of the task table, each cell under its column name (a column said once above the table is not among them). */
function table(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('id | name | state | '));
  expect(start, text).toBeGreaterThanOrEqual(0);
  const columns = lines[start]!.split(' | ');
  const rows: Record<string, string>[] = [];
  for (const l of lines.slice(start + 1)) {
    const cells = l.split(' | ');
    if (cells.length !== columns.length) break;
    rows.push(Object.fromEntries(columns.map((c, i) => [c, cells[i]!])));
  }
  return rows;
}

/** "3h 05m 10s", "2d 4h", "45s" back to seconds (days and hours only: whole hours). */
function seconds(took: string): number {
  const unit: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1 };
  return [...took.matchAll(/(\d+)([dhms])/g)].reduce((sum, m) => sum + Number(m[1]) * unit[m[2]!]!, 0);
}

/** "Name: value" lines of the one-task view. */
function fields(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split('\n').flatMap((l) => {
      const m = /^([A-Z][\w ]*): (.*)$/.exec(l);
      return m ? [[m[1]!, m[2]!]] : [];
    }),
  );
}

/** Failures by reason, most frequent first: [count, reason, ids]. */
function reasons(text: string): [number, string, string[]][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Failures by reason'));
  expect(start, text).toBeGreaterThanOrEqual(0);
  const out: [number, string, string[]][] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^- ([\d,]+) × (?:"(.*)"|no error message): (.*?)(?: and [\d,]+ more)?$/.exec(l);
    if (!m) break;
    out.push([number(m[1]!), m[2] ?? '', m[3]!.split(', ')]);
  }
  return out;
}

function expectedReasons(tasks: RawTask[]): [number, string, string[]][] {
  const groups = new Map<string, RawTask[]>();
  for (const t of tasks.filter(isFailed)) {
    const reason = String(t.ErrMessage ?? '').trim();
    groups.set(reason, [...(groups.get(reason) ?? []), t]);
  }
  return [...groups]
    .map(([reason, ts]): [number, string, string[]] => [
      ts.length,
      reason,
      ts
        .sort((a, b) => created(b) - created(a))
        .slice(0, 20)
        .map(id),
    ])
    .sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
}

describe('questions a model answers from the text alone', () => {
  it('How many download tasks does the plan have, and were they all read?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true });
    expect(number(line(text, /, ([\d,]+) in total\.$/)[1]!)).toBe(plan.length);
    expect(number(line(text, /^Read ([\d,]+), matched/)[1]!)).toBe(plan.length);
    expect(text).not.toMatch(/^Partial result/m);
  });

  it('How many failed, and how many succeeded?', async () => {
    const states = byState(await ask({ backupPlanId: PLAN, allPages: true }));
    expect(states.failed?.count).toBe(plan.filter(isFailed).length);
    expect(states.succeeded?.count).toBe(plan.filter((t) => status(t) === 'finish').length);
  });

  it('Why did they fail, and what is the most common failure?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true });
    const expected = expectedReasons(plan);
    expect(reasons(text).map(([n, reason]) => [n, reason])).toEqual(expected.map(([n, reason]) => [n, reason]));
    expect(reasons(text)[0]![1]).toBe(expected[0]![1]);
  });

  it('Which tasks failed because the backup gateway was offline?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true });
    const reason = 'backup gateway offline: no heartbeat for 600s';
    const group = reasons(text).find(([, r]) => r === reason);
    expect(group?.[2]).toEqual(expectedReasons(plan).find(([, r]) => r === reason)![2]);
  });

  it('Did task X (raw status init) fail, and what does init mean?', async () => {
    const task = plan.find((t) => status(t) === 'init')!;
    const f = fields(await ask({ backupSetDownloadTaskId: id(task) }));
    expect(f.State).toBe('failed (init: precheck failed, not started)');
    expect(f.Error).toBe(String(task.ErrMessage));
  });

  it('What is still running or waiting to run?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true, states: ['running', 'pending'], limit: 1000 });
    const waiting = new Set(['running', 'checking', 'check_pass', 'schedule']);
    expect(
      table(text)
        .map((row) => row.id)
        .sort(),
    ).toEqual(
      plan
        .filter((t) => waiting.has(status(t)))
        .map(id)
        .sort(),
    );
  });

  it('Where did download X go, on which gateway, and which backup set was it?', async () => {
    const task = plan.find(
      (t) => t.BackupSetDownloadTargetType === 'agent' && typeof t.BackupGatewayId === 'string' && t.BackupSetJobType === 'cbs_backup_sub_cont',
    )!;
    const f = fields(await ask({ backupSetDownloadTaskId: id(task) }));
    expect(f['Download directory']).toBe(task.BackupSetDownloadDir);
    expect(f['Backup gateway']).toBe(task.BackupGatewayId);
    expect(f['Backup set']).toBe(`${task.BackupSetId}, code ${task.BackupSetCode}`);
    expect(f['Database type']).toBe(task.BackupSetDbType);
    expect(f['Job type']).toBe('cbs_backup_sub_cont (incremental)');
  });

  it('Which database types does the plan back up, and how many tasks of each?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true });
    const listed = Object.fromEntries(
      line(text, /^Database types: (.*)\.$/)[1]!
        .split(', ')
        .map((part) => {
          const m = /^(.*) ([\d,]+)$/.exec(part)!;
          return [m[1]!, number(m[2]!)];
        }),
    );
    const expected: Record<string, number> = {};
    for (const t of plan) expected[String(t.BackupSetDbType)] = (expected[String(t.BackupSetDbType)] ?? 0) + 1;
    expect(listed).toEqual(expected);
  });

  it('Which downloads were created on 2026-11-20?', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true, createdAfter: '2026-11-20', createdBefore: '2026-11-21' });
    const day = plan.filter((t) => created(t) >= Date.UTC(2026, 10, 20) && created(t) < Date.UTC(2026, 10, 21));
    expect(day.length).toBeGreaterThan(3);
    expect(
      table(text)
        .map((row) => row.id)
        .sort(),
    ).toEqual(day.map(id).sort());
    expect(number(line(text, /matched ([\d,]+) \(created from 2026-11-20 00:00 to before 2026-11-21 00:00\)/)[1]!)).toBe(day.length);
  });

  it('What was the last successful download, and when did it finish?', async () => {
    const rows = table(await ask({ backupPlanId: PLAN, allPages: true, states: ['succeeded'], sortBy: 'finished', limit: 1 }));
    const last = plan.filter((t) => status(t) === 'finish').sort((a, b) => finished(b) - finished(a))[0]!;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(id(last));
    expect(rows[0]!.finished).toBe(minute(finished(last)));
  });

  it('How much data did the successful downloads move?', async () => {
    const states = byState(await ask({ backupPlanId: PLAN, allPages: true }));
    const moved = plan.filter((t) => status(t) === 'finish').reduce((sum, t) => sum + Number(t.BackupSetDataSize ?? 0), 0);
    expect(Math.abs(states.succeeded!.bytes - moved) / moved).toBeLessThan(0.05);
  });

  it('How long did download X take?', async () => {
    const task = plan.find((t) => status(t) === 'finish' && finished(t) - created(t) > HOUR)!;
    const duration = fields(await ask({ backupSetDownloadTaskId: id(task) })).Duration!;
    const [, h, m, s] = /^(\d+)h (\d+)m (\d+)s$/.exec(duration)!;
    expect(Number(h) * 3600 + Number(m) * 60 + Number(s)).toBe(Math.round((finished(task) - created(task)) / 1000));
  });

  it('Can I download X, and from where?', async () => {
    const task = plan.find((t) => typeof t.BackupSetDownloadInternetUrl === 'string' && t.BackupSetDownloadInternetUrl !== '')!;
    const hidden = await ask({ backupSetDownloadTaskId: id(task) });
    expect(fields(hidden)['Download URL']).toBe('yes, hidden (call again with includeUrls: true to see it)');
    expect(hidden).not.toContain('Signature');
    expect(fields(await ask({ backupSetDownloadTaskId: id(task), includeUrls: true }))['Internet URL']).toBe(task.BackupSetDownloadInternetUrl);
    const none = plan.find((t) => status(t) === 'running')!;
    expect(fields(await ask({ backupSetDownloadTaskId: id(none) }))['Download URL']).toBe('none (the API gave no download URL)');
  });

  it('Are the newest tasks on the first page? (No: the text says the order holds within the page only.)', async () => {
    const text = await ask({ backupPlanId: PLAN });
    expect(text.split('\n')[0]).toBe(
      `Partial result: this call read 30 of ${plan.length} tasks of this plan (pageNum 0): the counts below cover those 30 only.`,
    );
    expect(text).toContain('newest first holds within this page only');
    expect(text).toContain('allPages');
  });

  it('How many downloads of a large plan failed? (A capped read says so first, and names the call that reads it all.)', async () => {
    const capped = await ask({ backupPlanId: BIG, allPages: true, maxPages: 5 });
    expect(capped.split('\n')[0]).toBe('Partial result: this call read 500 of 1,437 tasks of this plan (pageNum 0-4): the counts below cover those 500 only.');
    const args = JSON.parse(line(capped, /^For counts over the whole plan, call list_backup_set_download_tasks with (\{.*\})\.$/)[1]!) as Record<
      string,
      unknown
    >;
    const text = await ask(args);
    expect(text).not.toMatch(/^Partial result/m);
    expect(byState(text).failed?.count).toBe(big.filter(isFailed).length);
  });

  it('What downloads were created in the last 24 hours?', async () => {
    const rows = table(await ask({ backupPlanId: RECENT, createdAfter: '24h' }));
    expect(rows.map((row) => row.id)).toEqual(['dbstkrecent0', 'dbstkrecent1', 'dbstkrecent2', 'dbstkrecent3']);
  });

  it('Does a plan with no downloads have none, rather than being unknown?', async () => {
    expect(await ask({ backupPlanId: EMPTY })).toContain(`Plan ${EMPTY} has no download tasks in region cn-hangzhou.`);
    const unknown = await session.callTool({ backupPlanId: 'dbs1qanosuchpl' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text.split('\n')[0]).toMatch(/^Param\.NotFound: backup plan dbs1qanosuchpl was not found in region cn-hangzhou /);
  });

  it('keeps the whole-plan text within 25% of the raw API JSON for the same tasks', async () => {
    const text = await ask({ backupPlanId: PLAN, allPages: true, limit: 1000 });
    const pages = [0, 1, 2].map((pageNum) =>
      JSON.stringify({
        RequestId: '00000000-0000-0000-0000-000000000000',
        PageSize: 100,
        PageNum: pageNum,
        HttpStatusCode: 200,
        TotalElements: plan.length,
        TotalPages: 3,
        Items: { BackupSetDownloadTaskDetail: plan.slice(pageNum * 100, pageNum * 100 + 100) },
        Success: true,
      }),
    );
    const raw = pages.reduce((sum, page) => sum + Buffer.byteLength(page), 0);
    expect(table(text)).toHaveLength(plan.length);
    expect(Buffer.byteLength(text) / raw).toBeLessThanOrEqual(0.25);
  });

  it('What finished yesterday? (finishedAfter yesterday, finishedBefore today)', async () => {
    const today = Math.floor(Date.now() / DAY) * DAY;
    const text = await ask({ backupPlanId: SHOP, allPages: true, finishedAfter: 'yesterday', finishedBefore: 'today' });
    const expected = shop.filter((t) => finished(t) >= today - DAY && finished(t) < today);
    expect(expected.length).toBeGreaterThan(0);
    expect(
      table(text)
        .map((row) => row.id)
        .sort(),
    ).toEqual(expected.map(id).sort());
    expect(text).toContain(`matched ${expected.length} (finished from ${minute(today - DAY)} to before ${minute(today)})`);
    // Unfinished tasks (running, paused, precheck failures) are never among them.
    expect(table(text).every((row) => row.finished !== '-')).toBe(true);
  });

  it('Which successful download took longest, and how long? (sortBy duration)', async () => {
    const rows = table(await ask({ backupPlanId: SHOP, allPages: true, states: ['succeeded'], sortBy: 'duration', limit: 3 }));
    const longest = shop
      .filter((t) => status(t) === 'finish')
      .map((t) => ({ id: id(t), took: Math.round((finished(t) - created(t)) / 1000) }))
      .sort((a, b) => b.took - a.took)
      .slice(0, 3);
    expect(rows.map((row) => seconds(row.took!))).toEqual(longest.map((t) => t.took));
    expect(rows[0]!.id).toBe(longest[0]!.id);
  });

  it('Which were the largest downloads? (sortBy size)', async () => {
    const rows = table(await ask({ backupPlanId: PLAN, allPages: true, sortBy: 'size', limit: 5 }));
    const largest = plan
      .filter((t) => typeof t.BackupSetDataSize === 'number')
      .sort((a, b) => Number(b.BackupSetDataSize) - Number(a.BackupSetDataSize) || created(b) - created(a))
      .slice(0, 5);
    expect(rows.map((row) => row.id)).toEqual(largest.map(id));
  });

  it('What database does a one-type plan back up? (said once above the table, not on every row)', async () => {
    const text = await ask({ backupPlanId: SHOP, allPages: true, limit: 20 });
    expect(text).toContain('Every listed task: db MySQL');
    expect(text.split('\n').find((l) => l.startsWith('id | name | state'))).not.toContain('| db |');
    expect(text).not.toContain('succeeded (finish)');
  });
});

/** The per-plan table of a region-wide answer: plan id -> cells by header name. */
function planTable(text: string): Map<string, Record<string, string>> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('plan | name | '));
  expect(start, text).toBeGreaterThanOrEqual(0);
  const header = lines[start]!.split(' | ');
  const rows = new Map<string, Record<string, string>>();
  for (const l of lines.slice(start + 1)) {
    const cells = l.split(' | ');
    if (cells.length !== header.length) break;
    rows.set(cells[0]!, Object.fromEntries(header.map((h, i) => [h, cells[i]!])));
  }
  return rows;
}

describe('account questions, each answered by one region-wide call from the text alone', () => {
  const accountTasks = Object.values(ACCOUNT.tasks).flat();
  const planOf = (t: RawTask): string => String(t.BackupPlanId);
  let calls = 0;
  const askOnce = async (args: Record<string, unknown>): Promise<string> => {
    calls += 1;
    return ask(args);
  };

  it('Which plans had failed downloads this week?', async () => {
    const weekAgo = ACCOUNT.nowMs - 7 * 24 * HOUR;
    const before = calls;
    const rows = planTable(await askOnce({ allRegions: true, createdAfter: new Date(weekAgo).toISOString() }));
    expect(calls - before).toBe(1);
    const expected = new Map<string, number>();
    for (const t of accountTasks) if (isFailed(t) && created(t) >= weekAgo) expected.set(planOf(t), (expected.get(planOf(t)) ?? 0) + 1);
    const answered = [...rows].filter(([, row]) => number(row.failed!) > 0).map(([planId, row]) => [planId, number(row.failed!)]);
    expect(new Map(answered as [string, number][])).toEqual(expected);
    expect(rows.size).toBe(ACCOUNT.planIds.length);
  });

  it('How much data did successful downloads move, across plans?', async () => {
    const states = byState(await askOnce({ allRegions: true }));
    const moved = accountTasks.filter((t) => status(t) === 'finish').reduce((sum, t) => sum + Number(t.BackupSetDataSize ?? 0), 0);
    expect(Math.abs(states.succeeded!.bytes - moved) / moved).toBeLessThan(0.05);
    expect(states.succeeded!.count).toBe(accountTasks.filter((t) => status(t) === 'finish').length);
  });

  it('What is the most common failure across plans, and which plans did it hit?', async () => {
    const text = await askOnce({ allRegions: true });
    const lines = text.split('\n');
    const first = lines[lines.findIndex((l) => l.startsWith('Failures by reason across plans')) + 1]!;
    const m = /^- ([\d,]+) × "(.*)": (.*)$/.exec(first)!;
    const [top, topCount] = Object.entries(ACCOUNT.countsByError).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    expect([m[2], number(m[1]!)]).toEqual([top, topCount]);
    const hit = new Set(accountTasks.filter((t) => isFailed(t) && t.ErrMessage === top).map(planOf));
    expect(new Set(m[3]!.split(', ').map((p) => p.split(' ')[0]))).toEqual(hit);
  });

  it('How many downloads are not finished?', async () => {
    const text = await askOnce({ allRegions: true });
    const notFinished = accountTasks.filter((t) => ['check_pass', 'checking', 'schedule', 'running', 'pause'].includes(status(t))).length;
    expect(number(line(text, /^Not finished: ([\d,]+) /)[1]!)).toBe(notFinished);
  });
});
