import type { Config } from '../config.js';
import type { DbsClient } from '../dbs/client.js';
import type { Logger } from '../log.js';

/** What every tool handler is given: settings, the DBS client and the log. */
export interface ToolContext {
  config: Config;
  client: DbsClient;
  log: Logger;
}
