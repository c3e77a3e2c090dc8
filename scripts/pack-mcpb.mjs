// Packs the built server into an MCP Bundle (.mcpb) for one-click install in Claude Desktop and
// other bundle hosts. dist/ holds everything the server runs (dependencies are bundled), so the
// bundle carries no node_modules: 0.4 MB instead of the 54 MB (125 packages) the dependencies take installed.
//
// usage: node scripts/pack-mcpb.mjs [--out FILE.mcpb]   (run `npm run build` first; `npm run pack:mcpb` does both)
import { packExtension } from '@anthropic-ai/mcpb/cli';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

const fail = (message) => {
  process.stderr.write(`pack-mcpb: ${message}\n`);
  process.exit(1);
};

let values;
try {
  ({ values } = parseArgs({ options: { out: { type: 'string' } } }));
} catch (error) {
  fail(`${error.message}\nusage: node scripts/pack-mcpb.mjs [--out FILE.mcpb]`);
}

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
if (manifest.version !== pkg.version) fail(`manifest.json version ${manifest.version} differs from package.json ${pkg.version}`);
if (!existsSync(join(root, 'dist/index.js'))) fail('dist/index.js is missing: run `npm run build` first');

const out = resolve(values.out ?? join(root, `${manifest.name}-${manifest.version}.mcpb`));
const stage = await mkdtemp(join(tmpdir(), 'dbs-backup-mcp-mcpb-'));
try {
  await writeFile(join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2));
  // "type": "module" makes Node 20 load server/*.js as ES modules; the bundle needs nothing else from it.
  await writeFile(
    join(stage, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module', license: pkg.license }, null, 2),
  );
  await mkdir(join(stage, 'server'));
  await cp(join(root, 'dist/index.js'), join(stage, 'server/index.js'));
  await cp(join(root, 'dist/chunks'), join(stage, 'server/chunks'), { recursive: true });
  for (const file of ['LICENSE', 'README.md']) {
    if (existsSync(join(root, file))) await cp(join(root, file), join(stage, file));
  }
  const files = (await readdir(stage, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  // packExtension validates the manifest against the strict schema before writing anything.
  if (!(await packExtension({ extensionPath: stage, outputPath: out, silent: true })))
    fail('mcpb rejected the bundle (run `npx mcpb validate manifest.json` for the reasons)');
  const { size } = await stat(out);
  process.stderr.write(`${out}: ${(size / 1024).toFixed(0)} KiB, ${files.length} files, manifest valid\n`);
} finally {
  await rm(stage, { recursive: true, force: true });
}
