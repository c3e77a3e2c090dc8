import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context.js';
import { registerListBackupPlans } from './list-backup-plans.js';
import { registerListBackupSetDownloadTasks } from './list-backup-set-download-tasks.js';
import type { ToolTaskStore } from './task-store.js';
import { registerWaitForBackupSetDownloadTask } from './wait-for-backup-set-download-task.js';

/** Every tool the server serves, one line each. */
export function registerTools(server: McpServer, context: ToolContext, taskStore: ToolTaskStore | null): void {
  registerListBackupSetDownloadTasks(server, context);
  registerListBackupPlans(server, context);
  registerWaitForBackupSetDownloadTask(server, context, taskStore);
}
