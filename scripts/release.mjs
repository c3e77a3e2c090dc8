// Builds what a release publishes: the npm tarball, the MCP bundle and a SHA256SUMS file for both,
// after checking that every place that states the version states the same one.
//
// usage: node scripts/release.mjs [--out DIR] [--skip-build]   (default .tmp/release; `npm run release` runs it)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npm, ROOT, run, say } from './tooling.mjs';

const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-build': { type: 'boolean' } } });
const out = resolve(values.out ?? join(ROOT, '.tmp', 'release'));
const readJson = async (file) => JSON.parse(await readFile(join(ROOT, file), 'utf8'));

const pkg = await readJson('package.json');
const manifest = await readJson('manifest.json');
const registry = await readJson('server.json');
// --skip-build: dist/ is fresh already (the tests build it once for every file that runs it).
if (!values['skip-build']) await run(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
const served = execFileSync(process.execPath, [join(ROOT, 'dist/index.js'), '--version'], { encoding: 'utf8' }).trim();
const stated = {
  'manifest.json': manifest.version,
  'server.json': registry.version,
  'server.json package': registry.packages?.[0]?.version,
  'dist/index.js --version': served,
};
const drifted = Object.entries(stated).filter(([, version]) => version !== pkg.version);
if (drifted.length > 0) {
  process.stderr.write(`release: package.json says ${pkg.version}, but ${drifted.map(([where, v]) => `${where} says ${v}`).join(', ')}\n`);
  process.exit(1);
}
if (registry.name !== pkg.mcpName) {
  process.stderr.write(`release: server.json name ${registry.name} differs from package.json mcpName ${pkg.mcpName}\n`);
  process.exit(1);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const tarball = `${pkg.name}-${pkg.version}.tgz`;
const bundle = `${pkg.name}-${pkg.version}.mcpb`;
// dist/ was just built: --ignore-scripts keeps prepack from building it again.
await npm(['pack', '--ignore-scripts', '--pack-destination', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
await run(process.execPath, [join(ROOT, 'scripts/pack-mcpb.mjs'), '--out', join(out, bundle)], { cwd: ROOT });

const lines = [];
for (const file of [tarball, bundle]) {
  const sum = createHash('sha256')
    .update(await readFile(join(out, file)))
    .digest('hex');
  lines.push(`${sum}  ${file}`);
}
// The format sha256sum -c reads.
await writeFile(join(out, 'SHA256SUMS'), `${lines.join('\n')}\n`);
say(`release ${pkg.version} in ${out}:`);
for (const line of lines) say(`  ${line}`);
say('Check with: cd <dir> && sha256sum -c SHA256SUMS');
