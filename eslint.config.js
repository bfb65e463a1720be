import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** I/O libraries, clocks and randomness the pure routing core must never touch. */
const ioModules = ['node:*', 'fs', 'net', 'http', 'https', 'crypto', 'child_process', 'nats', 'ioredis',
  '@grpc/*', 'pino', '@opentelemetry/*', '@switchboard/contracts', 'fastify', 'ws'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'packages/contracts/src/gen/**', 'bench/results/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly',
      clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
      Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly',
      TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', fetch: 'readonly' } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'Export names explicitly, never `export *`.' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@switchboard/*/src/*', '**/contracts/src/gen/*'], message: 'Import a package by its name, not its files.' }] }],
    },
  },
  {
    // The domain core is pure: no I/O, no ambient clock, no ambient randomness.
    files: ['packages/routing-core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ioModules, message: 'routing-core is pure: pass I/O in through ports.' }] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Take time as an argument (Clock).' },
        { object: 'Math', property: 'random', message: 'Take randomness as an argument (seeded Rng).' },
        { object: 'performance', property: 'now', message: 'Take time as an argument (Clock).' }],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'Buffer', 'console'],
      'no-restricted-syntax': ['error',
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly, never `export *`.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take time as an argument (Clock).' }],
    },
  },
  {
    // CLIs and tests talk to a terminal.
    files: ['packages/cli/src/**/*.ts', '**/*.test.ts', 'tests/**/*.ts', 'packages/testkit/src/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
