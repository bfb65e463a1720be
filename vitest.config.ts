import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under this condition, so tests and `tsx`
// run without a build step; `pnpm build` produces dist/ for deployment.
const conditions = ['@switchboard/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  // Vitest hands the SSR conditions to Node as --conditions for external packages too. Explicit
  // 'import'/'module'/'default' there would make require() inside CJS packages (mailparser →
  // nodemailer/lib/*) load ESM builds; Vite adds 'import'/'require' per import kind by itself.
  ssr: { resolve: { conditions: ['@switchboard/source', 'node'], externalConditions: ['@switchboard/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    // A test that asserts nothing fails. Polls wait on real servers and other processes; on a loaded
    // CI machine one second is too short.
    expect: { requireAssertions: true, poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    pool: 'forks',
    // One NATS and one Redis for the run: NATS_URL/REDIS_URL, else a container, else binaries.
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    reporters: ['default'],
  },
});
