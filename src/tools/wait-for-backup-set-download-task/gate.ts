/**
 * Waits in progress, bounded server-wide and per client: a wait holds its caller for up to an hour,
 * so a flood of them is refused at once with Busy instead of piling up memory and requests.
 */
import type { DbsClient } from '../../dbs/client.js';
import { DbsError } from '../../dbs/errors.js';

export const DEFAULT_MAX_WAITS = 50;

export interface WaitGate {
  /** Takes a place for one wait of `clientId` (undefined: the only client); the function gives it back. Throws Busy when none is free. */
  enter(clientId: string | undefined): () => void;
  load(): { active: number; max: number };
}

/** One client may hold half the places, so another still finds some free. */
export function perClientLimit(max: number): number {
  return Math.max(1, Math.ceil(max / 2));
}

export function createWaitGate(max: number): WaitGate {
  const perClient = perClientLimit(max);
  const byClient = new Map<string, number>();
  let active = 0;
  return {
    enter(clientId) {
      const key = clientId ?? '';
      // The only client of a stdio server may use every place.
      const limit = clientId === undefined ? max : perClient;
      const mine = byClient.get(key) ?? 0;
      if (active >= max || mine >= limit) {
        const which =
          active >= max
            ? `${active} waits in progress, the most this server runs (DBS_MCP_MAX_WAITS)`
            : `${mine} waits in progress for this client, the most one client may run`;
        throw new DbsError('Busy', `${which}: let one end first`);
      }
      active += 1;
      byClient.set(key, mine + 1);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        active -= 1;
        const now = (byClient.get(key) ?? 1) - 1;
        if (now === 0) byClient.delete(key);
        else byClient.set(key, now);
      };
    },
    load: () => ({ active, max }),
  };
}

// One gate per server: the DBS client is the one object every call of a server shares, in both transports.
const gates = new WeakMap<DbsClient, WaitGate>();

export function waitGateOf(client: DbsClient, max = DEFAULT_MAX_WAITS): WaitGate {
  let gate = gates.get(client);
  if (gate === undefined) gates.set(client, (gate = createWaitGate(max)));
  return gate;
}

/** The wait gate's load, for the health probe; null while no wait has run. */
export function waitLoad(client: DbsClient): { active: number; max: number } | null {
  return gates.get(client)?.load() ?? null;
}
