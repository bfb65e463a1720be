import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPalette } from './colours.js';
import { DEV_SECRET_NAMES, loadDevSecrets } from './dev-secrets.js';
import { InfraUnavailableError, planInfra } from './infra.js';
import { formatLogLine, lineSplitter } from './log-format.js';
import { findRepoRoot } from './repo-root.js';
import { banner } from './banner.js';
import { discoverServices, endpointsOf, planServices, portOf } from './service-catalog.js';

const plain = createPalette({ isTTY: false }, {});

describe('start: pieces', () => {
  it('formats pino lines as one readable line with their fields and error stack, and passes other lines through', () => {
    const line = JSON.stringify({ level: 'warn', time: Date.UTC(2026, 0, 1, 12, 3, 4, 5), service: 'router', msg: 'domain released', domain: 'default', n: 3, err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(formatLogLine(line, 'router', plain)).toBe('12:03:04.005 router WARN  domain released  domain=default n=3\nrouter   Error: boom\nrouter       at x');
    expect(formatLogLine('[1234] 2026/01/01 Server is ready', 'nats-server', plain)).toBe('nats-server [1234] 2026/01/01 Server is ready');
    expect(createPalette({ isTTY: true }, {}).paint('red', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(createPalette({ isTTY: true }, { NO_COLOR: '1' }).paint('red', 'x')).toBe('x');
    // Inside ingest-all, each line says which service wrote it; the process's own lines do not.
    const inner = JSON.stringify({ level: 'info', time: Date.UTC(2026, 0, 1), service: 'ingest-chat', msg: 'service started', domain: 'd' });
    expect(formatLogLine(inner, 'ingest-all', plain, 'ingest-all')).toBe('00:00:00.000 ingest-all INFO  service started  service=ingest-chat domain=d');
    expect(formatLogLine(inner.replace('ingest-chat', 'ingest-all'), 'ingest-all', plain, 'ingest-all')).toBe('00:00:00.000 ingest-all INFO  service started  domain=d');
  });

  it('splits chunks into whole lines', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((l) => lines.push(l));
    splitter.push('a\nb');
    splitter.push('c\r\n\nd');
    splitter.flush();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });

  it('generates missing dev secrets once, keeps them across runs in a 0600 file, and never overrides the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-secrets-'));
    try {
      const file = join(dir, 'dev-secrets.json');
      const first = loadDevSecrets({ PHONE_WEBHOOK_SECRET: 'mine' }, file);
      expect(first.values.PHONE_WEBHOOK_SECRET).toBe('mine');
      expect(first.generated).not.toContain('PHONE_WEBHOOK_SECRET');
      expect(first.values.CHAT_SESSION_SECRET.length).toBe(DEV_SECRET_NAMES.CHAT_SESSION_SECRET);
      // Every ingestion credential a service refuses to run without is generated.
      expect(first.values.INGEST_GRPC_TOKEN.length).toBe(DEV_SECRET_NAMES.INGEST_GRPC_TOKEN);
      expect(first.generated).toContain('INGEST_GRPC_TOKEN');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = loadDevSecrets({}, file);
      expect(second.values.CHAT_SESSION_SECRET).toBe(first.values.CHAT_SESSION_SECRET);
      expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('discovers every service with a main and knows the ports of the known ones', () => {
    const services = discoverServices(findRepoRoot());
    const router = services.find((s) => s.name === 'router');
    expect(router).toMatchObject({ tier: 'core', entry: join('services', 'router', 'src', 'main.ts') });
    expect(portOf(router!, 'http', {})).toBe(7401);
    expect(portOf(router!, 'http', { ROUTER_HTTP_PORT: '9999' })).toBe(9999);
    expect(services.filter((s) => s.name.startsWith('ingest-')).every((s) => s.tier === 'ingest')).toBe(true);
  });

  it('starts ingest-all only with --ingest-in-one-process, then in place of the ingestion services it runs', () => {
    const discovered = discoverServices(findRepoRoot());
    const separate = planServices(discovered, { skip: [], ingestInOneProcess: false });
    expect(separate.map((s) => s.name)).not.toContain('ingest-all');
    expect(separate.map((s) => s.name)).toEqual(expect.arrayContaining(['ingest-chat', 'ingest-email', 'ingest-grpc', 'ingest-phone', 'ingest-wechat', 'router']));

    const one = planServices(discovered, { skip: ['ingest-grpc'], ingestInOneProcess: true });
    expect(one.filter((s) => s.name.startsWith('ingest-')).map((s) => s.name)).toEqual(['ingest-all']);
    const all = one.find((s) => s.name === 'ingest-all')!;
    expect(all).toMatchObject({ tier: 'ingest', entry: join('services', 'ingest-all', 'src', 'main.ts'), env: { INGEST_ALL_SERVICES: 'ingest-chat,ingest-email,ingest-phone,ingest-wechat' } });
    // Banner, readiness and the demo still see each channel's ports.
    const endpoints = endpointsOf(one);
    expect(endpoints.map((s) => s.name)).toEqual(expect.arrayContaining(['ingest-chat', 'ingest-email', 'ingest-phone', 'ingest-wechat', 'router']));
    expect(endpoints.map((s) => s.name)).not.toContain('ingest-all');
    expect(portOf(endpoints.find((s) => s.name === 'ingest-email')!, 'smtp', { INGEST_EMAIL_SMTP_PORT: '2626' })).toBe(2626);
    const text = banner({ services: one, env: { INGEST_PHONE_PORT: '9101' }, natsUrl: 'nats://n', redisUrl: 'redis://r', generatedSecrets: [], secretsFile: 'f', demo: false }, plain);
    expect(text).toContain('  ingest-all     one process: ingest-chat, ingest-email, ingest-phone, ingest-wechat');
    expect(text).toContain('  ingest-phone   http:9101  (in ingest-all)');
    expect(text).toContain('  ingest-email   http:7102  smtp:2525  (in ingest-all)');
    expect(text).not.toContain('ingest-grpc');
    const edges = banner({ services: discovered, env: { SWITCHBOARD_DOMAIN: 'site-a' }, natsUrl: 'nats://n', redisUrl: 'redis://r', generatedSecrets: [], secretsFile: 'f', demo: false }, plain);
    expect(edges).toContain('  tokens         pnpm -s switchboard token --agent <id> [--role supervisor --teams a,b]  (domain site-a, issuer switchboard, audience switchboard)');
    // With ops in the plan, the console line is the one-time dev login link when there is one.
    const withOps = [...one, { name: 'ops', entry: 'services/ops/src/main.ts', tier: 'edge' as const, ports: [{ name: 'http', env: 'OPS_HTTP_PORT', default: 7301, protocol: 'http' as const }] }];
    const input = { services: withOps, env: {}, natsUrl: 'nats://n', redisUrl: 'redis://r', generatedSecrets: [], secretsFile: 'f', demo: false };
    expect(banner({ ...input, devLoginToken: 'tok' }, plain)).toContain('  console        http://127.0.0.1:7301/auth/dev-login?token=tok');
    expect(banner(input, plain)).toContain('  console        http://127.0.0.1:7301/\n');

    expect(planServices(discovered, { skip: ['ingest-chat', 'ingest-email', 'ingest-grpc', 'ingest-phone', 'ingest-wechat'], ingestInOneProcess: true }).map((s) => s.name))
      .not.toContain('ingest-all');
    expect(() => planServices(discovered, { skip: ['ingest-all'], ingestInOneProcess: true })).toThrow('--ingest-in-one-process runs the ingestion services in ingest-all, but it is skipped');
    expect(() => planServices(discovered.filter((s) => s.name !== 'ingest-all'), { skip: [], ingestInOneProcess: true })).toThrow('services/ingest-all is not in this build');
  });

  it('says what to install when nothing answers and no binary is on PATH, and refuses an explicit URL that does not answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-infra-'));
    try {
      // Port 1 on loopback: nothing listens there.
      await expect(planInfra('nats', { NATS_URL: 'nats://127.0.0.1:1' }, dir)).rejects.toThrow('NATS_URL=nats://127.0.0.1:1 does not answer');
      const error = await planInfra('redis', { PATH: dir, REDIS_URL: '' }, dir).catch((e: unknown) => e);
      if (error instanceof InfraUnavailableError) expect(error.message).toContain('apt-get install nats-server redis-server');
      else expect(error).toMatchObject({ kind: 'running' }); // a Redis on 6379 answers here
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
