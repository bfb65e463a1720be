import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceProcess } from '@switchboard/testkit';
import type { BenchServers } from './bench-servers.js';

/** Where the end-to-end mesh listens, and the secrets its clients need. */
export interface E2eMesh {
  readonly domain: string;
  readonly ports: { phone: number; chat: number; wechat: number; smtp: number; gateway: number; router: number };
  readonly secrets: { phone: string; jwt: string; wechatToken: string };
  readonly agentIds: readonly string[];
  readonly pids: () => Record<string, number | undefined>;
  close(): Promise<void>;
}

const rules = {
  version: 'bench-e2e-1',
  queues: [{ id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE', offerTimeoutSeconds: 60, wrapUpSeconds: 0, missesBeforeAway: 1_000 }],
  rules: [],
  fallback: { queue: 'general', priority: 0 },
};

/**
 * Every service of the live path as its own process, as in production, on free ports against the
 * run's private NATS and Redis: ingest-phone, ingest-chat, ingest-email (SMTP), ingest-wechat,
 * one router replica and the agent gateway. Agents may hold a contact of every channel at once.
 */
export async function startE2eMesh(s: BenchServers, agents: number): Promise<E2eMesh> {
  const domain = `e2e${Date.now() % 100_000}`;
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const agentIds = Array.from({ length: agents }, (_, i) => `desk${i}`);
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
  // The chat visitors fill in the pre-chat form in English, and a chat contact requires its
  // language: agents without it could never be offered a chat (20% of the mix sat unrouted).
  writeFileSync(join(dir, 'agents.json'), JSON.stringify({ agents: agentIds.map((id) => ({ id, displayName: id, team: 'bench', skills: {}, languages: ['en'],
    capacity: { phone: 1, chat: 3, email: 5, wechat: 3 }, queues: [{ queueId: 'general', priority: 1 }] })) }));
  const secret = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
  const secrets = { phone: secret(32), jwt: secret(48), wechatToken: secret(24) };
  const [phone, chat, wechat, smtp, emailHttp, gateway, router] = await Promise.all(Array.from({ length: 7 }, () => freePort())) as [number, number, number, number, number, number, number];
  const env = { NATS_URL: s.nats.url, REDIS_URL: s.redis.url, SWITCHBOARD_DOMAIN: domain, HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    OTEL_TRACES_SAMPLER_ARG: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    PHONE_WEBHOOK_SECRET: secrets.phone, CHAT_SESSION_SECRET: secret(48), CHAT_IDENTITY_SECRET: secret(32), SWITCHBOARD_JWT_SECRET: secrets.jwt,
    WECHAT_OA_TOKEN: secrets.wechatToken, EMAIL_WEBHOOK_SIGNING_KEY: secret(32) };
  const http = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
  const started: Record<string, ServiceProcess> = {};
  const start = async (name: string, entry: string, extra: Record<string, string>, ready: () => Promise<boolean>) => {
    started[name] = await ServiceProcess.start({ entry, env: { ...env, ...extra }, ready, startTimeoutMs: 60_000, nodeArgs: profileArgs(name) });
  };
  const close = async () => { await Promise.all(Object.values(started).map((p) => p.stop())); };
  try {
    await start('router', 'services/router/src/main.ts', { ROUTER_DOMAINS: domain, ROUTER_RULES_FILE: join(dir, 'rules.json'), ROUTER_HTTP_PORT: String(router) }, http(router));
    await Promise.all([
      start('agent-gateway', 'services/agent-gateway/src/main.ts', { AGENT_GATEWAY_PORT: String(gateway), AGENT_DIRECTORY_FILE: join(dir, 'agents.json'), AGENT_GRACE_SECONDS: '3600' }, () => listening(gateway)),
      start('ingest-phone', 'services/ingest-phone/src/main.ts', { INGEST_PHONE_PORT: String(phone) }, http(phone)),
      start('ingest-chat', 'services/ingest-chat/src/main.ts', { INGEST_CHAT_PORT: String(chat) }, http(chat)),
      start('ingest-email', 'services/ingest-email/src/main.ts', { INGEST_EMAIL_PORT: String(emailHttp), INGEST_EMAIL_SMTP_PORT: String(smtp) }, http(emailHttp)),
      start('ingest-wechat', 'services/ingest-wechat/src/main.ts', { INGEST_WECHAT_PORT: String(wechat) }, http(wechat)),
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    domain, agentIds, secrets, ports: { phone, chat, wechat, smtp, gateway, router },
    pids: () => Object.fromEntries(Object.entries(started).map(([name, p]) => [name, p.pid])),
    close,
  };
}

/**
 * With SWITCHBOARD_BENCH_CPU_PROF=<dir> each service writes a V8 CPU profile there when it stops
 * (Node 20 refuses --cpu-prof in NODE_OPTIONS).
 */
function profileArgs(name: string): string[] {
  const dir = process.env.SWITCHBOARD_BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
