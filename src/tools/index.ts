/** The registry: every tool the server serves, one line each. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context.js';
import { listBackupPlansTool } from './list-backup-plans/tool.js';
import { listBackupSetDownloadTasksTool } from './list-backup-set-download-tasks/tool.js';
import type { Tool } from './shared/tool.js';
import { waitForBackupSetDownloadTaskTool } from './wait-for-backup-set-download-task/tool.js';

export const TOOLS: readonly Tool[] = [listBackupSetDownloadTasksTool, listBackupPlansTool, waitForBackupSetDownloadTaskTool];

export function registerTools(server: McpServer, context: ToolContext): void {
  for (const tool of TOOLS) tool.register(server, context);
}
