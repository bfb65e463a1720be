import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under this condition, so tests and `tsx`
// run without a build step; `pnpm build` produces dist/ for deployment.
const conditions = ['@switchboard/source', 'node', 'import', 'default'];

const include = ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'];
const exclude = ['**/node_modules/**', '**/dist/**'];

/**
 * Files that load the whole machine (fault injection, 20,000-contact runs, the benchmark smoke,
 * `pnpm start` on the product's fixed ports), that keep a core busy for long (fuzzing, property
 * runs), or whose deadlines are tight on a busy machine (the wait estimate's accuracy, headless
 * Chromium, the platform-end grace): they run one at a time, after everything else, so they never
 * share the two cores with other files. Seen failing beside other files under load: the fuzz
 * suites' 30 s cases, `queues.int` (25 % of the measured wait), the console pages, the chat grace.
 * `tests/faults/retention.int.test.ts` is not among them: it spends two minutes waiting for
 * ROUTING's retention to pass, on private servers of its own.
 */
const alone = [
  'tests/faults/faults.int.test.ts',
  'tests/faults/routing-full.int.test.ts',
  'tests/bench/**/*.test.ts',
  'tests/start/**/*.test.ts',
  'tests/routing/locked-bus.int.test.ts',
  'tests/routing/replicas.int.test.ts',
  'services/*/src/**/fuzz*.test.ts',
  'packages/*/src/**/*.property.test.ts',
  'packages/routing-core/src/sim/**/*.test.ts',
  'tests/agents/queues.int.test.ts',
  'tests/agents/platform-end.int.test.ts',
  'tests/ops/console*.int.test.ts',
  'tests/ops/agent-page.int.test.ts',
];

/**
 * The rest mostly waits on servers and other processes, so two files at a time use the two cores
 * (Vitest's default here is one worker: CPUs − 1). SB_TEST_WORKERS overrides it.
 */
const sharedWorkers = Number(process.env.SB_TEST_WORKERS ?? 2);

export default defineConfig({
  resolve: { conditions },
  // Vitest hands the SSR conditions to Node as --conditions for external packages too. Explicit
  // 'import'/'module'/'default' there would make require() inside CJS packages (mailparser →
  // nodemailer/lib/*) load ESM builds; Vite adds 'import'/'require' per import kind by itself.
  ssr: { resolve: { conditions: ['@switchboard/source', 'node'], externalConditions: ['@switchboard/source'] } },
  test: {
    testTimeout: 30_000,
    // A test that asserts nothing fails. Polls wait on real servers and other processes; on a loaded
    // CI machine one second is too short.
    expect: { requireAssertions: true, poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    pool: 'forks',
    // One NATS and one Redis for the run: NATS_URL/REDIS_URL, else a container, else binaries.
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'shared', include, exclude: [...exclude, ...alone], maxWorkers: sharedWorkers, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: alone, exclude, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
