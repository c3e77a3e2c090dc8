import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { DbsError } from '../../src/dbs/errors.js';
import type { PlanListInput } from '../../src/tools/list-backup-plans/args.js';
import { listBackupPlans } from '../../src/tools/list-backup-plans/tool.js';
import { renderPlansText } from '../../src/tools/list-backup-plans/render.js';
import { fakeClient, planInput, rawPlans } from '../helpers/fake-client.js';

const config: Config = { regionId: 'cn-hangzhou', endpointOverride: null, timeoutMs: 1000, maxAttempts: 1, concurrency: 1 };
const input = planInput;

async function textOf(over: Partial<PlanListInput>, plans = rawPlans(8), fail?: (pageNum: number) => DbsError | undefined): Promise<string> {
  const client = fakeClient([], { plans, failPlans: fail && ((r) => fail(r.pageNum)) });
  const args = input(over);
  return renderPlansText(await listBackupPlans(args, { client, config }), args);
}

describe('renderPlansText', () => {
  it('says first and plainly that a capped read is partial, with the next call', async () => {
    expect(await textOf({ pageSize: 3, maxPages: 2, limit: 4 })).toBe(
      [
        'Partial: read 6 plans of 8; the counts below cover only those. To read the rest call list_backup_plans with {"pageSize":3,"pageNum":2,"maxPages":2,"limit":4}.',
        'Backup plans in region cn-hangzhou: pageNum 0-1 (of pages 0-2, 3 plans per page), 8 in total.',
        'Read 6 plans, listed 4 (newest first, times UTC).',
        'By status: init 2 (not started: precheck failed), check_pass 1 (precheck passed), running 2 (running), stop 1 (failed).',
        'By database type: MySQL 4, PostgreSQL 2.',
        'Need attention (not backing up: precheck failed, failed, paused, locked or not configured): 3 plans',
        '- p005 plan 5 [init: not started: precheck failed]: precheck failed 5',
        '- p002 plan 2 [stop: failed]: no error message',
        '- p001 plan 1 [init: not started: precheck failed]: precheck failed 1',
        'id | name | status | database | source | schedule | auto-download | created',
        'p005 | plan 5 | init (not started: precheck failed) | MySQL | rds rm-5 cn-hangzhou | - | - | 2026-11-01 05:00',
        'p004 | plan 4 | running | MySQL | rds rm-4 cn-hangzhou | - | - | 2026-11-01 04:00',
        'p003 | plan 3 | check_pass (precheck passed) | PostgreSQL | rds rm-3 cn-hangzhou | - | - | 2026-11-01 03:00',
        'p002 | plan 2 | stop (failed) | MySQL | rds rm-2 cn-hangzhou | - | - | 2026-11-01 02:00',
        '(2 more plans not listed: raise limit to see them)',
        'Database user names, ip:port, OSS buckets and cross-account ids are left out; set includeEndpointDetails to see them.',
        'Next: for a plan\'s backup set download tasks (which downloads failed, are running, their sizes), call list_backup_set_download_tasks with its backupPlanId, e.g. {"backupPlanId":"p005","allPages":true}.',
        'For downloads across plans (which plans had failures this week, what finished yesterday), call list_backup_set_download_tasks without backupPlanId: {"regionId":"cn-hangzhou"}.',
      ].join('\n'),
    );
  });

  it('shows endpoint details only when asked, and names the filters', async () => {
    const text = await textOf({ backupPlanIds: ['p001', 'p002'], includeEndpointDetails: true, regionId: 'cn-hangzhou' });
    expect(text.split('\n')[0]).toBe('Backup plans in region cn-hangzhou matching ids p001, p002: pageNum 0 (of pages 0-0, 100 plans per page), 2 in total.');
    expect(text).toContain(
      'Endpoint details (they describe the infrastructure behind each plan):\n- p002: user user2, at 10.0.0.2:3306, OSS bucket bucket-2\n- p001: user user1, at 10.0.0.1:3306, OSS bucket bucket-1\n',
    );
    expect(text).toContain('e.g. {"backupPlanId":"p002","regionId":"cn-hangzhou","allPages":true}.');
    const hidden = await textOf({ backupPlanIds: ['p001', 'p002'] });
    expect(hidden).not.toMatch(/user1|10\.0\.0\.1|bucket-1/);
  });

  it('says in words that there are no plans, and what to try', async () => {
    expect(await textOf({}, [])).toBe(
      'Backup plans in region cn-hangzhou: pageNum 0 (no pages, 100 plans per page), 0 in total.\n' +
        'No backup plans in region cn-hangzhou. A plan belongs to one region: if one was expected, call again with the regionId it was created in.',
    );
    expect(await textOf({ status: 'locked' })).toBe(
      'Backup plans in region cn-hangzhou matching status locked: pageNum 0 (no pages, 100 plans per page), 0 in total.\n' +
        'No backup plans matching status locked in region cn-hangzhou. Call again without the filters to see every plan of the region.',
    );
  });

  it('names a failed page and where to resume', async () => {
    const text = await textOf({ pageSize: 3 }, rawPlans(8), (p) => (p === 1 ? new DbsError('Throttling.User', 'slow down', { attempts: 3 }) : undefined));
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Partial: read 3 plans of 8; the counts below cover only those. To read the rest call list_backup_plans with {"pageSize":3,"pageNum":1}.',
    );
    expect(lines[2]).toBe('Warning: page 1 failed after 3 attempts (Throttling.User: slow down); this result covers pages 0 to 0 only');
  });

  it('counts an undocumented status as such, and says when no plan needs attention', async () => {
    const text = await textOf({}, rawPlans(3, ['running', 'Archived']));
    expect(text).toContain('By status: running 2 (running), Archived 1 (not a documented status).');
    expect(text).toContain('Need attention: none (no plan is in init, stop, pause, locked or wait).');
  });

  it('keeps table rows on one line whatever the names hold', async () => {
    const text = await textOf({}, [{ BackupPlanId: 'p1', BackupPlanName: 'a|b\nc', BackupPlanStatus: 'running' }]);
    expect(text).toContain('p1 | a/b c | running | - | - | - | -');
  });
});
