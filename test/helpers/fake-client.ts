import type { CallOptions, DbsClient, Operation } from '../../src/dbs/client.js';
import { DbsError } from '../../src/dbs/errors.js';
import { describeBackupPlanList, describeBackupSetDownloadTaskList, type DownloadTaskPageParams, type PlanPageParams } from '../../src/dbs/operations.js';
import type { RawItem, RawPage } from '../../src/dbs/page.js';
import { PLAN_DEFAULTS, type PlanListInput } from '../../src/tools/list-backup-plans/args.js';

interface FakeOptions {
  /** Decides per task page: an error to throw, or undefined to answer. */
  fail?: (request: DownloadTaskPageParams) => DbsError | undefined;
  totalOverride?: (pageNum: number) => number;
  /** Raw plans DescribeBackupPlanList serves, filtered and paged as the API does. */
  plans?: RawItem[];
  /** Decides per plan page, as `fail` does for task pages. */
  failPlans?: (request: PlanPageParams) => DbsError | undefined;
}

/** How a fake answers one action: what the client's call resolves to for these parameters, or a thrown DbsError. */
export type FakeAnswer = (params: never, options: CallOptions) => unknown;

/**
 * A DbsClient's `call` over answers by action name, returned as they are (items are not checked as
 * the client checks a real answer). An action the fake does not know fails as the API gateway answers
 * an unknown action, so an operation added to the table breaks no fake.
 */
export function fakeCall(answers: Record<string, FakeAnswer>): DbsClient['call'] {
  return async <P, R>(operation: Operation<P, R>, params: P, options: CallOptions): Promise<R> => {
    const answer = Object.hasOwn(answers, operation.action) ? answers[operation.action] : undefined;
    if (answer === undefined)
      throw new DbsError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', { httpStatus: 404 });
    return (await answer(params as never, options)) as R;
  };
}

/** A network's worth of waiting: a tick, then Cancelled if the call was aborted meanwhile. */
async function roundTrip(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (signal?.aborted) throw new DbsError('Cancelled', 'cancelled');
}

/** One page of `items`, as the API pages them (zero-based). */
function pageOf(items: RawItem[], pageNum: number, pageSize: number, total = items.length): RawPage {
  const start = pageNum * pageSize;
  return {
    requestId: `REQ-${pageNum}`,
    pageNum,
    pageSize,
    totalElements: total,
    totalPages: Math.ceil(total / pageSize),
    items: items.slice(start, start + pageSize),
  };
}

/** A DbsClient over in-memory tasks and plans, paging as the API does; `fail` and `failPlans` decide per page. */
export function fakeClient(tasks: RawItem[], options: FakeOptions = {}): DbsClient & { requests: DownloadTaskPageParams[]; planRequests: PlanPageParams[] } {
  const requests: DownloadTaskPageParams[] = [];
  const planRequests: PlanPageParams[] = [];
  const call = fakeCall({
    [describeBackupSetDownloadTaskList.action]: async (request: DownloadTaskPageParams, callOptions): Promise<RawPage> => {
      requests.push(request);
      await roundTrip(callOptions.signal);
      const error = options.fail?.(request);
      if (error) throw error;
      const total = options.totalOverride?.(request.pageNum);
      return pageOf(tasks, request.pageNum, request.pageSize, total);
    },
    [describeBackupPlanList.action]: async (request: PlanPageParams, callOptions): Promise<RawPage> => {
      planRequests.push(request);
      await roundTrip(callOptions.signal);
      const error = options.failPlans?.(request);
      if (error) throw error;
      const ids = request.backupPlanId?.split(',');
      const plans = (options.plans ?? []).filter(
        (p) =>
          (ids === undefined || ids.includes(String(p.BackupPlanId))) &&
          (request.backupPlanName === undefined || p.BackupPlanName === request.backupPlanName) &&
          (request.backupPlanStatus === undefined || p.BackupPlanStatus === request.backupPlanStatus),
      );
      return pageOf(plans, request.pageNum, request.pageSize);
    },
  });
  return { requests, planRequests, call };
}

/** Raw tasks with ids t000.., created one minute apart (t000 oldest), statuses cycling. */
export function rawTasks(count: number, statuses = ['finish', 'failed', 'running', 'init']): RawItem[] {
  return Array.from({ length: count }, (_, i) => ({
    BackupSetDownloadTaskId: `t${String(i).padStart(3, '0')}`,
    BackupSetDownloadTaskName: `task ${i}`,
    BackupSetDownloadStatus: statuses[i % statuses.length],
    BackupSetDownloadCreateTime: Date.UTC(2026, 10, 1) + i * 60_000,
    BackupSetDataSize: 1024 * i,
    BackupSetDataFormat: 'SQL',
    ErrMessage: statuses[i % statuses.length] === 'failed' ? `error ${i}` : '',
  }));
}

/** Raw plans with ids p000.., created one hour apart (p000 oldest), statuses cycling. */
export function rawPlans(count: number, statuses = ['running', 'init', 'stop', 'check_pass']): RawItem[] {
  return Array.from({ length: count }, (_, i) => {
    const status = statuses[i % statuses.length];
    return {
      BackupPlanId: `p${String(i).padStart(3, '0')}`,
      BackupPlanName: `plan ${i}`,
      BackupPlanStatus: status,
      BackupPlanCreateTime: Date.UTC(2026, 10, 1) + i * 3_600_000,
      DatabaseType: i % 3 === 0 ? 'PostgreSQL' : 'MySQL',
      SourceEndpointInstanceType: 'rds',
      SourceEndpointInstanceID: `rm-${i}`,
      SourceEndpointRegion: 'cn-hangzhou',
      SourceEndpointUserName: `user${i}`,
      SourceEndpointIpPort: `10.0.0.${i % 250}:3306`,
      OSSBucketName: `bucket-${i}`,
      ErrMessage: status === 'init' ? `precheck failed ${i}` : '',
    };
  });
}

/** `list_backup_plans` input with the tool's defaults, as the schema fills them in. */
export const planInput = (over: Partial<PlanListInput> = {}): PlanListInput => ({ ...PLAN_DEFAULTS, includeEndpointDetails: false, ...over });
