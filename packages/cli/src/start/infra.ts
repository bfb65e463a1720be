import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';

/** A NATS or Redis the mesh will use: one already answering, or one to start. */
export type InfraPlan =
  | { readonly kind: 'running'; readonly url: string }
  | { readonly kind: 'start'; readonly url: string; readonly binary: string; readonly args: readonly string[]; readonly port: number };

/** Why the launcher cannot go on: said in words a newcomer can act on. */
export class InfraUnavailableError extends Error {
  override readonly name = 'InfraUnavailableError';
}

/** Resolves true when something accepts TCP connections on host:port within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until host:port answers. @throws InfraUnavailableError after `timeoutMs`. */
export async function waitForAnswer(host: string, port: number, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(host, port))) {
    if (Date.now() > deadline) throw new InfraUnavailableError(`${what} did not start listening on ${host}:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The full path of `binary` on PATH, or undefined. */
export function which(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (binary.includes('/')) return existsSync(binary) ? binary : undefined;
  return (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary)).find((path) => existsSync(path));
}

interface InfraKind {
  readonly what: 'NATS' | 'Redis';
  readonly variable: 'NATS_URL' | 'REDIS_URL';
  readonly defaultUrl: string;
  readonly binary: 'nats-server' | 'redis-server';
  readonly args: (port: number, dir: string) => string[];
}

const KINDS = {
  nats: { what: 'NATS', variable: 'NATS_URL', defaultUrl: 'nats://127.0.0.1:4222', binary: 'nats-server',
    args: (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir] },
  // AOF on: a dev restart keeps live routing state consistent with the JetStream store beside it.
  redis: { what: 'Redis', variable: 'REDIS_URL', defaultUrl: 'redis://127.0.0.1:6379', binary: 'redis-server',
    args: (port, dir) => ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'] },
} as const satisfies Record<string, InfraKind>;

/**
 * Decides where NATS or Redis comes from. An explicit `NATS_URL`/`REDIS_URL` must answer (we do
 * not start servers behind an address someone chose). Without one, the local default is used
 * when it answers, else the binary on PATH is started on the default port with its data under
 * `dataDir`.
 * @throws InfraUnavailableError saying what to install or set.
 */
export async function planInfra(kind: keyof typeof KINDS, env: NodeJS.ProcessEnv, dataDir: string): Promise<InfraPlan> {
  const spec: InfraKind = KINDS[kind];
  const explicit = env[spec.variable];
  const url = new URL(explicit || spec.defaultUrl);
  const port = Number(url.port || new URL(spec.defaultUrl).port);
  if (await answers(url.hostname, port)) return { kind: 'running', url: url.toString().replace(/\/$/, '') };
  if (explicit) throw new InfraUnavailableError(`${spec.variable}=${explicit} does not answer. Start ${spec.what} there, or unset ${spec.variable} to use a local one.`);
  const binary = which(spec.binary, env);
  if (!binary) {
    throw new InfraUnavailableError(`${spec.what} is not running on ${url.host} and ${spec.binary} is not installed.\n` +
      `  Install it:  sudo apt-get install nats-server redis-server   (Debian/Ubuntu; Homebrew: brew install nats-server redis)\n` +
      `  or point at one:  ${spec.variable}=${spec.defaultUrl.replace('127.0.0.1', '<host>')} pnpm start`);
  }
  const dir = join(dataDir, kind);
  mkdirSync(dir, { recursive: true });
  return { kind: 'start', url: spec.defaultUrl, binary, args: spec.args(port, dir), port };
}
