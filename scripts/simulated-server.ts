/** What the demo and the docs generator share: the built server over stdio, signing with the simulator's test key. */
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TEST_CREDENTIALS } from '../sim/fixtures.js';
import type { Simulator } from '../sim/simulator.js';

export function stdioToSimulator(serverPath: string, sim: Simulator, extraEnv: Record<string, string> = {}): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [serverPath],
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      ALIBABA_CLOUD_DBS_ENDPOINT: sim.url,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ...extraEnv,
    },
    stderr: 'inherit',
  });
}
