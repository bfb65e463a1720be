import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { childrenOf, launcherEnv, running, spawnLauncher } from './support/launcher.js';

const cmdline = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; } };

describe('pnpm start --ingest-in-one-process', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  beforeAll(async () => { [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]); });
  afterAll(async () => { await Promise.all([nats?.destroy(), redis?.destroy()]); });

  it('runs the ingestion services in one process, lists each channel\'s endpoint, and stops it cleanly on SIGINT', async () => {
    const { env, ports } = await launcherEnv(nats, redis);
    // The edges and the router are not what this is about: leave them out to keep it quick.
    const { launcher, output } = spawnLauncher(['start', '--ingest-in-one-process', '--skip', 'router,ops,agent-gateway,queue-service,ingest-grpc'], env);
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    let children: number[] = [];
    try {
      await expect.poll(() => output().includes('Switchboard is running'), { timeout: 60_000, interval: 250 }).toBe(true);
      expect(output()).toContain('ingest-all     one process: ingest-chat, ingest-email, ingest-phone, ingest-wechat');
      expect(output()).toContain(`ingest-phone   http:${ports.INGEST_PHONE_PORT}  (in ingest-all)`);
      expect(output()).toContain(`ingest-email   http:${ports.INGEST_EMAIL_PORT}  smtp:${ports.INGEST_EMAIL_SMTP_PORT}  (in ingest-all)`);
      expect(output()).toContain(`ingest-chat    http:${ports.INGEST_CHAT_PORT}  (in ingest-all)`);
      expect(output()).toContain(`ingest-wechat  http:${ports.INGEST_WECHAT_PORT}  (in ingest-all)`);
      expect(output()).not.toMatch(/ingest-grpc\s+grpc:/);
      // One service process, and it is ingest-all.
      children = childrenOf(launcher.pid!);
      expect(children.map(cmdline).filter((c) => c.includes('/services/'))).toEqual([expect.stringContaining('services/ingest-all/src/main.ts')]);
      // A call through the generic telephony webhook on ingest-phone's own port is accepted.
      const body = JSON.stringify({ callId: `t-${randomUUID()}`, event: 'arrived', callerNumber: '+14155550100', dialledNumber: '+861012345678', platform: 'test' });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `sha256=${createHmac('sha256', env.PHONE_WEBHOOK_SECRET!).update(`${timestamp}.${body}`).digest('hex')}`;
      const call = await fetch(`http://127.0.0.1:${ports.INGEST_PHONE_PORT}/v1/contacts`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signature } });
      expect(call.status).toBe(202);
    } catch (error) {
      launcher.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- launcher output ---\n${output().slice(-6_000)}`);
    }
    launcher.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, output().slice(-4_000)).toBe(0);
    expect(output()).toContain('stopping ingest-all');
    expect(output()).toContain('all stopped');
    expect(output()).not.toContain('CRASHED');
    expect(children.filter(running)).toEqual([]);
  }, 90_000);
});
