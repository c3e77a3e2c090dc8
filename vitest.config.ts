import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real MCP clients are installed on demand: npm run test:clients (test/clients/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'test/clients/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
