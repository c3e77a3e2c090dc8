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
        'Answers questions about Alibaba Cloud DBS backup set download tasks (status, failures, sizes, timing) through list_backup_set_download_tasks.',
    },
  );
  registerTools(server, context);
  return server;
}
