/**
 * The DBS API operations (2019-03-06) this server calls, one entry each: the action, its query
 * parameters, and how its answer becomes plain typed data. Adding an operation is one entry here.
 */
import { REGION_PATTERN } from '../config.js';
import { pageOf, type ApiAnswer, type RawPage } from './page.js';

export interface Operation<P, R> {
  /** The API action, sent as `x-acs-action`. */
  action: string;
  /** The query parameters, empty values left out: they would go out as `Key=` and break the signature. */
  query(params: P): Record<string, string>;
  /** The typed result of a successful answer; throws DbsError when the answer is not DBS speaking. */
  parse(answer: ApiAnswer, params: P): R;
  /** Answer fields that hold signed download URLs: kept whole, redacted by value only. */
  urlFields: readonly string[];
}

/** The query of an operation from its parameters; undefined and "" are left out. */
function compactQuery(values: Record<string, string | number | undefined>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') query[key] = String(value);
  return query;
}

export interface DownloadTaskPageParams {
  backupPlanId?: string | undefined;
  backupSetDownloadTaskId?: string | undefined;
  pageSize: number;
  /** Zero-based. */
  pageNum: number;
  clientToken?: string | undefined;
}

export const describeBackupSetDownloadTaskList: Operation<DownloadTaskPageParams, RawPage> = {
  action: 'DescribeBackupSetDownloadTaskList',
  query: (p) =>
    compactQuery({
      PageSize: p.pageSize,
      PageNum: p.pageNum,
      BackupPlanId: p.backupPlanId,
      BackupSetDownloadTaskId: p.backupSetDownloadTaskId,
      ClientToken: p.clientToken,
    }),
  parse: (answer, p) => pageOf(answer, 'BackupSetDownloadTaskDetail', 'BackupSetDownloadTaskId', p.pageSize),
  urlFields: ['BackupSetDownloadInternetUrl', 'BackupSetDownloadIntranetUrl'],
};

export interface PlanPageParams {
  /** One plan id, or several joined by commas. */
  backupPlanId?: string | undefined;
  backupPlanName?: string | undefined;
  backupPlanStatus?: string | undefined;
  /** The DBS region of the plans: the endpoint alone does not pick it, central regions share one. */
  region: string;
  pageSize: number;
  /** Zero-based. */
  pageNum: number;
}

export const describeBackupPlanList: Operation<PlanPageParams, RawPage> = {
  action: 'DescribeBackupPlanList',
  query: (p) =>
    compactQuery({
      Region: p.region,
      PageSize: p.pageSize,
      PageNum: p.pageNum,
      BackupPlanId: p.backupPlanId,
      BackupPlanName: p.backupPlanName,
      BackupPlanStatus: p.backupPlanStatus,
    }),
  parse: (answer, p) => pageOf(answer, 'BackupPlanDetail', 'BackupPlanId', p.pageSize),
  urlFields: [],
};

export interface RegionList {
  requestId: string | null;
  regionIds: string[];
}

/** `Regions.RegionCode` arrives as a list, a single string, "" or not at all; values not shaped like a region id are dropped. */
export function regionIdsOf(regions: unknown): string[] {
  const codes = typeof regions === 'object' && regions !== null ? (regions as Record<string, unknown>).RegionCode : undefined;
  const values: unknown[] = Array.isArray(codes) ? codes : [codes];
  const ids = values.filter((v): v is string => typeof v === 'string' && v.length <= 64 && REGION_PATTERN.test(v));
  return [...new Set(ids)];
}

export const describeRegions: Operation<Record<string, never>, RegionList> = {
  action: 'DescribeRegions',
  query: () => ({}),
  parse: (answer) => ({ requestId: answer.requestId, regionIds: regionIdsOf(answer.body.Regions) }),
  urlFields: [],
};
