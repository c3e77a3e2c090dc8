import type { Config } from '../config.js';
import type { DbsClient } from '../dbs/client.js';
import type { Logger } from '../log.js';
import type { CallActivity } from '../memory.js';

/** What every tool handler is given: settings, the DBS client and the log. */
export interface ToolContext {
  config: Config;
  client: DbsClient;
  log: Logger;
  /** Told when each call starts and ends, to collect garbage once the server is idle. */
  activity?: CallActivity | undefined;
}
