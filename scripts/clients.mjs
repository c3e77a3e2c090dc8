/**
 * `npm run test:clients`: runs the README's client commands with the real clients, after npm run build.
 * Claude Code (proprietary, so not a dependency of the project) comes from the npm registry into
 * .tmp/clients, which git ignores, pinned by scripts/clients/package-lock.json; test/clients runs it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installLocked, ROOT, run, say } from './tooling.mjs';

const DIR = join(ROOT, '.tmp', 'clients');
const CLAUDE = join(DIR, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build first');
  const started = performance.now();
  await installLocked('clients', DIR, CLAUDE);
  await run(process.execPath, [VITEST, 'run', '--config', 'test/clients/vitest.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, DBS_MCP_TEST_CLAUDE: CLAUDE },
  });
  say(`== README client commands passed with the real clients in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  process.stderr.write(`test:clients: ${error.message}\n`);
  process.exitCode = 1;
});
