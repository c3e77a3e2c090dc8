import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context.js';
import { registerListBackupPlans } from './list-backup-plans.js';
import { registerListBackupSetDownloadTasks } from './list-backup-set-download-tasks.js';

/** Every tool the server serves, one line each. */
export function registerTools(server: McpServer, context: ToolContext): void {
  registerListBackupSetDownloadTasks(server, context);
  registerListBackupPlans(server, context);
}
