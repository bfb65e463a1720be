import { describe, expect, it } from 'vitest';

// Vite inlines these at build time, so the test reads sources without importing node:fs itself.
declare global {
  interface ImportMeta {
    glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
  }
}

/** Modules the pure core must never import (I/O, transports, telemetry, generated wire types). */
const FORBIDDEN_MODULES: readonly RegExp[] = [
  /^node:/, /^(fs|net|http|https|http2|crypto|child_process|os|path|dgram|dns|tls|worker_threads|perf_hooks|timers)(\/|$)/,
  /^nats(\/|$)/, /^ioredis(\/|$)/, /^@grpc\//, /^pino(\/|$)/, /^@opentelemetry\//, /^@switchboard\/contracts(\/|$)/,
];
/** Ambient clocks and randomness. */
const FORBIDDEN_CALLS: readonly RegExp[] = [/\bDate\.now\b/, /\bMath\.random\b/, /\bperformance\.now\b/, /\bnew Date\(\s*\)/];

/** Code without comments, so prose may name what the code must not do. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every purity violation in one file's source. */
function purityViolations(source: string): string[] {
  const code = stripComments(source);
  const out: string[] = [];
  const specifiers = [
    ...code.matchAll(/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1] ?? '');
  for (const spec of specifiers) if (FORBIDDEN_MODULES.some((re) => re.test(spec))) out.push(`imports ${spec}`);
  for (const re of FORBIDDEN_CALLS) if (re.test(code)) out.push(`uses ${re.source}`);
  return out;
}

const sources = import.meta.glob('./**/*.ts', { query: '?raw', import: 'default', eager: true });

describe('routing-core purity', () => {
  it('reads the package sources', () => {
    expect(Object.keys(sources)).toContain('./engine.ts');
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });

  it('has no I/O imports, ambient clock or randomness in any source file', () => {
    const bad = Object.entries(sources)
      .filter(([path]) => path !== './purity.test.ts')
      .flatMap(([path, source]) => purityViolations(source).map((v) => `${path}: ${v}`));
    expect(bad).toEqual([]);
  });

  it('detects each kind of violation (the check itself can fail)', () => {
    expect(purityViolations("import { readFileSync } from 'node:fs';")).toEqual(['imports node:fs']);
    expect(purityViolations("import type { Msg } from 'nats';\nexport { x } from '@switchboard/contracts';")).toHaveLength(2);
    expect(purityViolations("const r = await import('ioredis');")).toEqual(['imports ioredis']);
    expect(purityViolations("import '@opentelemetry/api';")).toEqual(['imports @opentelemetry/api']);
    expect(purityViolations('const t = Date.now() + Math.random();')).toHaveLength(2);
    expect(purityViolations('// Date.now is banned here\nconst ok = 1;')).toEqual([]);
    expect(purityViolations("import { x } from './local.js';")).toEqual([]);
  });
});
