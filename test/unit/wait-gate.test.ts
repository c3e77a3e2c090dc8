import { describe, expect, it } from 'vitest';
import { createWaitGate, perClientLimit } from '../../src/tools/wait-for-backup-set-download-task/gate.js';

describe('createWaitGate', () => {
  it('holds at most max waits, refusing the rest as Busy, and frees a place when a wait ends', () => {
    const gate = createWaitGate(3);
    const leaves = [gate.enter(undefined), gate.enter(undefined), gate.enter(undefined)];
    expect(gate.load()).toEqual({ active: 3, max: 3 });
    expect(() => gate.enter(undefined)).toThrow(
      expect.objectContaining({ code: 'Busy', message: '3 waits in progress, the most this server runs (DBS_MCP_MAX_WAITS): let one end first' }),
    );
    leaves[0]!();
    leaves[0]!(); // a second leave of the same place changes nothing
    expect(gate.load()).toEqual({ active: 2, max: 3 });
    gate.enter(undefined);
    expect(gate.load().active).toBe(3);
  });

  it('gives one client of several at most half the places, so another still finds some', () => {
    const gate = createWaitGate(4);
    expect(perClientLimit(4)).toBe(2);
    gate.enter('token:a');
    gate.enter('token:a');
    expect(() => gate.enter('token:a')).toThrow(
      expect.objectContaining({ code: 'Busy', message: '2 waits in progress for this client, the most one client may run: let one end first' }),
    );
    gate.enter('token:b');
    gate.enter('session:c');
    expect(() => gate.enter('session:d')).toThrow(expect.objectContaining({ code: 'Busy' }));
  });
});
