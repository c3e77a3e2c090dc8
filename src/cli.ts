/** The command line: stdio by default, `--http [--port N] [--host H]` for Streamable HTTP. */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

/** Unassigned by IANA and not the default of any common tool (8808 is `gem server`'s, 8815 Arrow Flight's). */
export const DEFAULT_HTTP_PORT = 8816;
export const DEFAULT_HTTP_HOST = '127.0.0.1';

export type CommandLine = { command: 'help' } | { command: 'version' } | { command: 'stdio' } | { command: 'http'; host: string; port: number };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: dbs-backup-mcp [--http [--port N] [--host H]]

Serves the MCP tools list_backup_plans, list_backup_set_download_tasks and
wait_for_backup_set_download_task (Alibaba Cloud DBS backups; read-only).

  (no options)  MCP over stdio, for an MCP client that starts the server itself
  --http        MCP over Streamable HTTP at http://H:N/mcp, stateless; GET /healthz answers 200
  --port N      HTTP port, default ${DEFAULT_HTTP_PORT}; 0 picks a free one
  --host H      HTTP listen address, default ${DEFAULT_HTTP_HOST}; any address other than
                loopback needs DBS_MCP_HTTP_TOKEN
  -h, --help    this text
  -v, --version the version

Settings come from the environment: the Alibaba Cloud credentials chain, ALIBABA_CLOUD_REGION_ID,
DBS_MCP_* (DBS_MCP_HTTP_TOKEN, DBS_MCP_ALLOWED_HOSTS, DBS_MCP_ALLOWED_ORIGINS for --http;
DBS_MCP_LOG_FORMAT=json for one JSON object per log line). See the README.
`;

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parsePort(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${raw}"`);
  return Number(raw);
}

function parseHost(raw: string): string {
  // "[::1]" as written in URLs is accepted too; listen() wants the bare address.
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(host) === 0 && !HOST_NAME.test(host)) throw new UsageError(`--host must be an IP address or a host name, got "${raw}"`);
  return host;
}

/** Throws UsageError for anything it does not know; the caller exits with status 2. */
export function parseCommandLine(argv: string[]): CommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        http: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    // node:util's messages are long ("To specify a positional argument..."): keep the first sentence.
    const message = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(message);
  }
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  if (!values.http) {
    const stray = values.port !== undefined ? '--port' : values.host !== undefined ? '--host' : undefined;
    if (stray) throw new UsageError(`${stray} only applies with --http`);
    return { command: 'stdio' };
  }
  return {
    command: 'http',
    host: values.host === undefined ? DEFAULT_HTTP_HOST : parseHost(values.host),
    port: values.port === undefined ? DEFAULT_HTTP_PORT : parsePort(values.port),
  };
}
