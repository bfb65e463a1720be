import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GUARD = fileURLToPath(new URL('../../packages/cli/src/start/orphan-guard.ts', import.meta.url));
const PORT_VARIABLES = ['INGEST_PHONE_PORT', 'INGEST_EMAIL_PORT', 'INGEST_EMAIL_SMTP_PORT', 'INGEST_CHAT_PORT', 'INGEST_WECHAT_PORT',
  'INGEST_GRPC_PORT', 'INGEST_GRPC_HTTP_PORT', 'ROUTER_HTTP_PORT', 'AGENT_GATEWAY_PORT', 'AGENT_GATEWAY_HTTP_PORT', 'QUEUE_SERVICE_PORT',
  'QUEUE_SERVICE_HTTP_PORT', 'OPS_HTTP_PORT', 'OPS_GRPC_PORT'];
const secret = () => randomBytes(32).toString('base64url');

/** True while `pid` exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
const childrenOf = (pid: number) => execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
  .split('\n').map((s) => Number(s.trim())).filter((p) => p > 0);

describe('a launcher killed by SIGKILL', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  beforeAll(async () => { [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]); });
  afterAll(async () => { await Promise.all([nats?.destroy(), redis?.destroy()]); });

  it('leaves no service it started running', async () => {
    const ports: Record<string, string> = {};
    for (const name of PORT_VARIABLES) ports[name] = String(await freePort());
    const env = {
      ...process.env, ...ports, NATS_URL: nats.url, REDIS_URL: redis.url, LOG_LEVEL: 'warn', NO_COLOR: '1',
      PHONE_WEBHOOK_SECRET: secret(), CHAT_SESSION_SECRET: secret(), CHAT_IDENTITY_SECRET: secret(), SWITCHBOARD_JWT_SECRET: secret(),
      WECHAT_OA_TOKEN: secret(), EMAIL_WEBHOOK_SIGNING_KEY: secret(),
    };
    const launcher = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/cli/src/main.ts', 'start'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [launcher.stdout, launcher.stderr]) stream.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    let services: number[] = [];
    try {
      await expect.poll(() => output.includes('Switchboard is running'), { timeout: 60_000, interval: 250 }).toBe(true);
      services = childrenOf(launcher.pid!);
      expect(services.length).toBeGreaterThanOrEqual(6);
    } finally {
      launcher.kill('SIGKILL');
    }
    // Each service sees its channel to the launcher close and drains as on SIGTERM.
    await expect.poll(() => services.filter(running), { timeout: 30_000, interval: 250 }).toEqual([]);
  }, 120_000);

  it('the orphan guard stops the server it runs when its parent dies', async () => {
    // A parent that runs `sleep` through the guard as the launcher runs nats-server, then is killed.
    const parent = spawn(process.execPath, ['-e', `
      const { spawn } = require('node:child_process');
      const guard = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(GUARD)}, 'sleep', '600'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      console.log(guard.pid);
      setInterval(() => {}, 1000);
    `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const guardPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    const cmdline = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
    // Its children: the server, and tsx's esbuild service.
    let server: number[] = [];
    try {
      await expect.poll(() => (server = childrenOf(guardPid).filter((pid) => cmdline(pid).startsWith('sleep'))).length, { timeout: 20_000, interval: 100 }).toBe(1);
      parent.kill('SIGKILL');
      await expect.poll(() => [guardPid, ...server].filter(running), { timeout: 10_000, interval: 100 }).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
      for (const pid of [...server, guardPid]) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});
