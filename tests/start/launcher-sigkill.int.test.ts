import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { childrenOf, launcherEnv, ROOT, running, spawnLauncher } from './support/launcher.js';

const GUARD = fileURLToPath(new URL('../../packages/cli/src/start/orphan-guard.ts', import.meta.url));

describe('a launcher killed by SIGKILL', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  beforeAll(async () => { [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]); });
  afterAll(async () => { await Promise.all([nats?.destroy(), redis?.destroy()]); });

  it('leaves no service it started running', async () => {
    const { env } = await launcherEnv(nats, redis);
    const { launcher, output } = spawnLauncher(['start'], env);
    let services: number[] = [];
    try {
      await expect.poll(() => output().includes('Switchboard is running'), { timeout: 60_000, interval: 250 }).toBe(true);
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
