import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, type PrivateServer } from '@switchboard/testkit';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Every port variable the launcher's services read, moved to free ports so a test runs beside others. */
const PORT_VARIABLES = ['INGEST_PHONE_PORT', 'INGEST_EMAIL_PORT', 'INGEST_EMAIL_SMTP_PORT', 'INGEST_CHAT_PORT', 'INGEST_WECHAT_PORT',
  'INGEST_GRPC_PORT', 'INGEST_GRPC_HTTP_PORT', 'ROUTER_HTTP_PORT', 'AGENT_GATEWAY_PORT', 'AGENT_GATEWAY_HTTP_PORT', 'QUEUE_SERVICE_PORT',
  'QUEUE_SERVICE_HTTP_PORT', 'OPS_HTTP_PORT', 'OPS_GRPC_PORT'];
const secret = () => randomBytes(32).toString('base64url');

/** The launcher's environment: private NATS and Redis, every service on a free port, fresh secrets. */
export async function launcherEnv(nats: PrivateServer, redis: PrivateServer, extra: Record<string, string> = {}):
  Promise<{ env: NodeJS.ProcessEnv; ports: Record<string, string> }> {
  const ports: Record<string, string> = {};
  for (const name of PORT_VARIABLES) ports[name] = String(await freePort());
  const env = {
    ...process.env, ...ports, NATS_URL: nats.url, REDIS_URL: redis.url, LOG_LEVEL: 'warn', NO_COLOR: '1',
    PHONE_WEBHOOK_SECRET: secret(), CHAT_SESSION_SECRET: secret(), CHAT_IDENTITY_SECRET: secret(), SWITCHBOARD_JWT_SECRET: secret(),
    WECHAT_OA_TOKEN: secret(), EMAIL_WEBHOOK_SIGNING_KEY: secret(), INGEST_GRPC_TOKEN: secret(), ...extra,
  };
  return { env, ports };
}

/** `switchboard <args>` run as `pnpm start` runs it, its output collected. */
export function spawnLauncher(args: string[], env: NodeJS.ProcessEnv): { launcher: ChildProcessByStdio<null, Readable, Readable>; output: () => string } {
  const launcher = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/cli/src/main.ts', ...args],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [launcher.stdout, launcher.stderr]) stream.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return { launcher, output: () => output };
}

/** True while `pid` exists and is not a zombie. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of `pid`'s children. */
export function childrenOf(pid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n').map((s) => Number(s.trim())).filter((p) => p > 0);
}
