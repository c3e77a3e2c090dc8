import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './tools/context.js';
import { ToolTaskStore } from './tools/task-store.js';
import { registerTools } from './tools/index.js';
import { SERVER_VERSION } from './version.js';

export const SERVER_NAME = 'dbs-backup-mcp';

export interface ServerOptions {
  /**
   * Offer MCP tasks (default true). A task outlives the request that made it, so they need a server
   * that does too: not so over stateless HTTP, where every request has a server of its own.
   */
  tasks?: boolean;
}

/** The MCP server with its tools; transports are chosen by the caller. */
export function createServer(context: ToolContext, options: ServerOptions = {}): McpServer {
  // MCP tasks (the wait tool can run as one) live in this server's memory and end with it.
  const taskStore = options.tasks === false ? null : new ToolTaskStore();
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Alibaba Cloud DBS backup downloads', version: SERVER_VERSION },
    {
      capabilities: taskStore === null ? { logging: {} } : { logging: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore: taskStore ?? undefined,
      instructions:
        'Answers questions about Alibaba Cloud DBS backups: list_backup_plans discovers the backup plans of a region (status, database, precheck errors) ' +
        "and gives their ids; list_backup_set_download_tasks then answers about a plan's backup set download tasks (status, failures, sizes, timing); " +
        'wait_for_backup_set_download_task waits for one download to settle.',
    },
  );
  registerTools(server, context, taskStore);
  if (taskStore !== null) {
    const onclose = server.server.onclose;
    server.server.onclose = () => {
      taskStore.close();
      onclose?.();
    };
  }
  return server;
}
