import { describe, expect, it } from 'vitest';
import { taskDetailLines } from '../../src/tools/shared/task-detail.js';
import { normaliseTask } from '../../src/tools/shared/raw-task.js';

const RAW = {
  BackupGatewayId: '1152921504606846977',
  BackupPlanId: 'dbs1plan',
  BackupSetCode: 'mysql-bin.000123',
  BackupSetDataFormat: 'SQL',
  BackupSetDataSize: 5 * 1024 ** 3,
  BackupSetDbType: 'MySQL',
  BackupSetDownloadCreateTime: Date.UTC(2026, 10, 27, 10, 0, 0),
  BackupSetDownloadDir: '/data/dbs-download/dbs1plan/dbstk1',
  BackupSetDownloadFinishTime: Date.UTC(2026, 10, 27, 13, 5, 9),
  BackupSetDownloadInternetUrl: 'https://dl.example.com/a?Signature=canary',
  BackupSetDownloadIntranetUrl: '',
  BackupSetDownloadStatus: 'finish',
  BackupSetDownloadTargetType: 'agent',
  BackupSetDownloadTaskId: 'dbstk1',
  BackupSetDownloadTaskName: 'nightly',
  BackupSetDownloadWay: 'auto',
  BackupSetId: 'dbsbs1',
  BackupSetJobType: 'cbs_backup_sub_cont',
  ErrMessage: '',
};

const COMMON = [
  'Task: dbstk1',
  'Name: nightly',
  'State: succeeded (finish)',
  'Backup plan: dbs1plan',
  'Database type: MySQL',
  'Backup set: dbsbs1, code mysql-bin.000123',
  'Job type: cbs_backup_sub_cont (incremental)',
  'Data format: SQL',
  'Data size: 5.0 GiB (5368709120 bytes)',
  'Download way: auto',
  'Target type: agent',
  'Backup gateway: 1152921504606846977',
  'Download directory: /data/dbs-download/dbs1plan/dbstk1',
  'Created: 2026-11-27 10:00:00 UTC',
  'Finished: 2026-11-27 13:05:09 UTC',
  'Duration: 3h 05m 09s',
  'Error: none',
];

describe('taskDetailLines', () => {
  it.each([
    ['says a URL exists without showing it', RAW, false, ['Download URL: yes, hidden (call again with includeUrls: true to see it)']],
    ['shows the URLs when they are on the task', RAW, true, ['Internet URL: https://dl.example.com/a?Signature=canary', 'Intranet URL: none']],
    ['says there is none', { ...RAW, BackupSetDownloadInternetUrl: '' }, false, ['Download URL: none (the API gave no download URL)']],
    ['says there is none, with includeUrls too', { ...RAW, BackupSetDownloadInternetUrl: '' }, true, ['Download URL: none (the API gave no download URL)']],
  ])('gives every field on its own line and %s', (_name, raw, includeUrls, urlLines) => {
    expect(taskDetailLines(normaliseTask(raw, includeUrls))).toEqual([...COMMON, ...urlLines]);
  });

  it('gives no duration when the finish time precedes the creation time', () => {
    const lines = taskDetailLines(normaliseTask({ ...RAW, BackupSetDownloadFinishTime: Date.UTC(2026, 10, 27, 9, 0, 0) }, false));
    expect(lines).toContain('Duration: none');
  });

  it('writes missing fields and a failed precheck in words', () => {
    const lines = taskDetailLines(
      normaliseTask(
        { BackupSetDownloadTaskId: 'dbstk2', BackupSetDownloadStatus: 'init', ErrMessage: 'precheck failed:\n gateway offline', BackupSetDataSize: 10 },
        false,
      ),
    );
    expect(lines).toEqual([
      'Task: dbstk2',
      'Name: none',
      'State: failed (init: precheck failed, not started)',
      'Backup plan: none',
      'Database type: none',
      'Backup set: none',
      'Job type: none',
      'Data format: none',
      'Data size: 10 bytes',
      'Download way: none',
      'Target type: none',
      'Backup gateway: none',
      'Download directory: none',
      'Created: no creation time',
      'Finished: no finish time',
      'Duration: none (not finished)',
      'Error: precheck failed: gateway offline',
      'Download URL: none (the API gave no download URL)',
    ]);
  });
});
