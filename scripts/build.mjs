// Bundles the server into dist/index.js (one file starts faster than hundreds of modules) and the
// simulator, demo and bench scripts into dist/tools/. @alicloud/credentials becomes a lazily loaded
// chunk: it is needed only by the first tool call.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

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

// The server passes the SDK a validator of its own (src/no-elicitation.ts), so the SDK's default,
// Ajv, would only be dead weight: its provider module is swapped for ours.
const withoutAjv = {
  name: 'without-ajv',
  setup(b) {
    b.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, (args) =>
      args.importer.includes('@modelcontextprotocol/sdk') ? { path: fileURLToPath(new URL('../src/no-elicitation.ts', import.meta.url)) } : undefined,
    );
  },
};

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', minifyWhitespace: true, minifySyntax: true, plugins: [withoutAjv] });
await build({
  ...common,
  entryPoints: {
    demo: 'scripts/demo.ts',
    simulator: 'sim/cli.ts',
    bench: 'scripts/bench.ts',
    'bench-simulator': 'scripts/bench/simulator-process.ts',
  },
  outdir: 'dist/tools',
});
