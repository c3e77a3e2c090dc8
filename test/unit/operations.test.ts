import { describe, expect, it } from 'vitest';
import { describeBackupPlanList, describeBackupSetDownloadTaskList, describeRegions, regionIdsOf } from '../../src/dbs/operations.js';
import { parseAnswer } from '../../src/dbs/page.js';
import { fakeCall } from '../helpers/fake-client.js';

const answer = (body: Record<string, unknown>) => parseAnswer(200, 'application/json', JSON.stringify(body));

describe('describeBackupSetDownloadTaskList', () => {
  it('sends every parameter it has, as strings', () => {
    expect(
      describeBackupSetDownloadTaskList.query({ backupPlanId: 'plan1', backupSetDownloadTaskId: 'dbstk1', pageSize: 30, pageNum: 0, clientToken: 'tok' }),
    ).toEqual({ BackupPlanId: 'plan1', BackupSetDownloadTaskId: 'dbstk1', PageSize: '30', PageNum: '0', ClientToken: 'tok' });
  });

  it('leaves out empty and missing parameters, which would break the signature', () => {
    expect(
      describeBackupSetDownloadTaskList.query({ backupPlanId: '', backupSetDownloadTaskId: undefined, pageSize: 100, pageNum: 3, clientToken: '' }),
    ).toEqual({
      PageSize: '100',
      PageNum: '3',
    });
  });

  it('reads a page of tasks and holds it to the page size asked for', () => {
    const body = {
      RequestId: 'R1',
      PageNum: 0,
      PageSize: 30,
      TotalElements: 1,
      TotalPages: 1,
      Items: { BackupSetDownloadTaskDetail: [{ BackupSetDownloadTaskId: 't1' }] },
    };
    expect(describeBackupSetDownloadTaskList.parse(answer(body), { pageSize: 30, pageNum: 0 })).toEqual({
      requestId: 'R1',
      pageNum: 0,
      pageSize: 30,
      totalElements: 1,
      totalPages: 1,
      items: [{ BackupSetDownloadTaskId: 't1' }],
    });
    const two = { Items: [{ BackupSetDownloadTaskId: 't1' }, { BackupSetDownloadTaskId: 't2' }] };
    expect(() => describeBackupSetDownloadTaskList.parse(answer(two), { pageSize: 1, pageNum: 0 })).toThrow(/a page of 2 items for a page size of 1/);
  });

  it('names the download URL fields, and only those', () => {
    expect(describeBackupSetDownloadTaskList.urlFields).toEqual(['BackupSetDownloadInternetUrl', 'BackupSetDownloadIntranetUrl']);
    expect(describeBackupPlanList.urlFields).toEqual([]);
    expect(describeRegions.urlFields).toEqual([]);
  });
});

describe('describeBackupPlanList', () => {
  it('always sends Region, and the filters it has', () => {
    expect(
      describeBackupPlanList.query({
        backupPlanId: 'p1,p2',
        backupPlanName: 'nightly',
        backupPlanStatus: 'running',
        region: 'ap-southeast-1',
        pageSize: 50,
        pageNum: 2,
      }),
    ).toEqual({ BackupPlanId: 'p1,p2', BackupPlanName: 'nightly', BackupPlanStatus: 'running', Region: 'ap-southeast-1', PageSize: '50', PageNum: '2' });
    expect(describeBackupPlanList.query({ backupPlanName: '', backupPlanStatus: undefined, region: 'cn-hangzhou', pageSize: 100, pageNum: 0 })).toEqual({
      Region: 'cn-hangzhou',
      PageSize: '100',
      PageNum: '0',
    });
  });

  it('reads plans under BackupPlanDetail', () => {
    const body = { RequestId: 'R2', TotalElements: 1, Items: { BackupPlanDetail: [{ BackupPlanId: 'p1' }] } };
    expect(describeBackupPlanList.parse(answer(body), { region: 'cn-hangzhou', pageSize: 100, pageNum: 0 }).items).toEqual([{ BackupPlanId: 'p1' }]);
  });
});

describe('describeRegions', () => {
  it('sends no parameters', () => {
    expect(describeRegions.action).toBe('DescribeRegions');
    expect(describeRegions.query({})).toEqual({});
  });

  it('reads the region ids of Regions.RegionCode', () => {
    const body = {
      RequestId: 'R3',
      Success: true,
      ErrCode: '',
      ErrMessage: '',
      HttpStatusCode: 200,
      Regions: { RegionCode: ['cn-hangzhou', 'ap-southeast-1', 'cn-shanghai-finance-1'] },
    };
    expect(describeRegions.parse(answer(body), {})).toEqual({ requestId: 'R3', regionIds: ['cn-hangzhou', 'ap-southeast-1', 'cn-shanghai-finance-1'] });
  });

  it.each([
    ['one string', { RegionCode: 'cn-beijing' }, ['cn-beijing']],
    ['an empty string', { RegionCode: '' }, []],
    ['no RegionCode', {}, []],
    ['Regions ""', '', []],
    ['Regions missing', undefined, []],
    ['an empty list', { RegionCode: [] }, []],
    ['repeats', { RegionCode: ['cn-hangzhou', 'cn-hangzhou'] }, ['cn-hangzhou']],
    [
      'values that are no region id',
      { RegionCode: ['eu-central-1', 'CN-HANGZHOU', 'cn hangzhou', '-cn', '', 42, null, { id: 'x' }, 'a'.repeat(65), 'cn-hangzhou\nInjected: yes'] },
      ['eu-central-1'],
    ],
  ])('tolerates %s', (_name, regions, expected) => {
    expect(regionIdsOf(regions)).toEqual(expected);
  });

  it('fails as the API says when it answers Success:false', () => {
    expect(() => answer({ RequestId: 'R4', Success: false, ErrCode: 'Forbidden.RAM', ErrMessage: 'no', HttpStatusCode: 403 })).toThrow(
      expect.objectContaining({ code: 'Forbidden.RAM', httpStatus: 403, requestId: 'R4' }),
    );
  });
});

describe('a fake client', () => {
  it('answers an operation it does not know with the error the API gateway gives, so a new operation breaks no fake', async () => {
    const call = fakeCall({
      [describeBackupPlanList.action]: () => ({ requestId: null, pageNum: 0, pageSize: 1, totalElements: 0, totalPages: 0, items: [] }),
    });
    const endpoint = { protocol: 'http' as const, host: '127.0.0.1:9' };
    await expect(call(describeRegions, {}, { endpoint })).rejects.toMatchObject({ name: 'DbsError', code: 'InvalidAction.NotFound', httpStatus: 404 });
    await expect(call(describeBackupPlanList, { region: 'cn-hangzhou', pageSize: 1, pageNum: 0 }, { endpoint })).resolves.toMatchObject({ items: [] });
  });
});
