// `npm run test:clients` only: the clients run the server npm run build made, so no build here.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: fileURLToPath(new URL('../..', import.meta.url)), include: ['test/clients/**/*.test.ts'], testTimeout: 120_000 },
});
