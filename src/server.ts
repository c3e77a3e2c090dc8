import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './tools/context.js';
import { registerTools } from './tools/index.js';
import { SERVER_VERSION } from './version.js';

export const SERVER_NAME = 'dbs-backup-mcp';

/** The MCP server with its tools; transports are chosen by the caller. */
export function createServer(context: ToolContext): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Alibaba Cloud DBS backup downloads', version: SERVER_VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        'Answers questions about Alibaba Cloud DBS backups: list_backup_plans discovers the backup plans of a region (status, database, precheck errors) ' +
        "and gives their ids; list_backup_set_download_tasks answers about a plan's backup set download tasks (status, failures, sizes, timing), " +
        'or, without backupPlanId, about every plan of the region(s) in one call (which plans failed, data moved, most common failure); ' +
        'wait_for_backup_set_download_task waits for one download to settle.',
    },
  );
  registerTools(server, context);
  return server;
}
