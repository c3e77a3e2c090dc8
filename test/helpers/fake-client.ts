import type { DbsClient, PageRequest, PageResult } from '../../src/dbs/client.js';
import { DbsError } from '../../src/dbs/errors.js';
import type { RawTask } from '../../src/dbs/page.js';

/** A DbsClient over an in-memory task list, paging as the API does; `fail` decides per page. */
export function fakeClient(
  tasks: RawTask[],
  options: { fail?: (request: PageRequest) => DbsError | undefined; totalOverride?: (pageNum: number) => number } = {},
): DbsClient & { requests: PageRequest[] } {
  const requests: PageRequest[] = [];
  return {
    requests,
    async describePage(_endpoint, request, callOptions): Promise<PageResult> {
      requests.push(request);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (callOptions?.signal?.aborted) throw new DbsError('Cancelled', 'cancelled');
      const error = options.fail?.(request);
      if (error) throw error;
      const total = options.totalOverride?.(request.pageNum) ?? tasks.length;
      const start = request.pageNum * request.pageSize;
      return {
        requestId: `REQ-${request.pageNum}`,
        pageNum: request.pageNum,
        pageSize: request.pageSize,
        totalElements: total,
        totalPages: Math.ceil(total / request.pageSize),
        items: tasks.slice(start, start + request.pageSize),
        attempts: 1,
      };
    },
  };
}

/** Raw tasks with ids t000.., created one minute apart (t000 oldest), statuses cycling. */
export function rawTasks(count: number, statuses = ['finish', 'failed', 'running', 'init']): RawTask[] {
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
