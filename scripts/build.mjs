// Bundles the server into dist/index.js (one file starts faster than hundreds of modules) and the
// simulator, demo, docs and bench scripts into dist/tools/. @alicloud/credentials becomes a lazily loaded
// chunk: it is needed only by the first tool call.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // The @alicloud packages are CommonJS and call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', minifyWhitespace: true, minifySyntax: true });
await build({
  ...common,
  entryPoints: {
    demo: 'scripts/demo.ts',
    docs: 'scripts/docs.ts',
    simulator: 'sim/cli.ts',
    bench: 'scripts/bench.ts',
    'bench-simulator': 'scripts/bench/simulator-process.ts',
  },
  outdir: 'dist/tools',
});
