import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

/** Where a test's server came from: the environment, a container, or a binary on PATH. */
export type ServerSource = 'env' | 'container' | 'binary';

/** A NATS or Redis server a test can use, and how to let it go. */
export interface ServerHandle {
  readonly url: string;
  readonly source: ServerSource;
  stop(): Promise<void>;
}

/** A server a fault test owns: it may crash it, restart it, and nobody else uses it. */
export interface PrivateServer extends ServerHandle {
  readonly port: number;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its storage. */
  destroy(): Promise<void>;
}

// The lines Debian ships (nats-server 2.9, Redis 7.0): a container run must not hide a feature
// the binary fallback and the deployment baseline lack.
const NATS_IMAGE = 'nats:2.9-alpine';
const REDIS_IMAGE = 'redis:7.0-alpine';

/** NATS with JetStream: `NATS_URL`, else a container, else `nats-server` from PATH. */
export async function acquireNats(): Promise<ServerHandle> {
  const url = process.env.NATS_URL;
  if (url) return { url, source: 'env', stop: async () => undefined };
  const container = await startContainer(NATS_IMAGE, 4222, ['-js'], 'nats');
  return container ?? startPrivateNats();
}

/** Redis: `REDIS_URL`, else a container, else `redis-server` from PATH. */
export async function acquireRedis(): Promise<ServerHandle> {
  const url = process.env.REDIS_URL;
  if (url) return { url, source: 'env', stop: async () => undefined };
  const container = await startContainer(REDIS_IMAGE, 6379, [], 'redis');
  return container ?? startPrivateRedis();
}

/** A private `nats-server -js` on a free port with its own store directory (kept across restarts). */
export async function startPrivateNats(): Promise<PrivateServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'sb-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  const server = new ServerProcess('nats-server', process.env.NATS_SERVER_BIN ?? 'nats-server', args, port);
  return startPrivate(server, `nats://127.0.0.1:${port}`, storeDir);
}

/** Options of {@link startPrivateRedis}: an ACL file, TLS, any other redis-server arguments. */
export interface PrivateRedisOptions {
  /** `--aclfile`: users and their permissions (the default user is whatever the file says). */
  readonly aclFile?: string;
  /** TLS only (no plaintext port): PEM files; `authClients` asks clients for a certificate (mutual TLS). */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string; readonly authClients?: boolean };
  readonly args?: readonly string[];
}

/** A private `redis-server` on a free port that keeps nothing on disk, like production's cache tier. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  const listen = options.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key,
      '--tls-ca-cert-file', options.tls.ca, '--tls-auth-clients', options.tls.authClients ? 'yes' : 'no']
    : ['--port', String(port)];
  const args = ['--bind', '127.0.0.1', ...listen, '--save', '', '--appendonly', 'no', '--dir', dir,
    ...(options.aclFile ? ['--aclfile', options.aclFile] : []), ...(options.args ?? [])];
  const server = new ServerProcess('redis-server', process.env.REDIS_SERVER_BIN ?? 'redis-server', args, port);
  return startPrivate(server, `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`, dir);
}

async function startPrivate(server: ServerProcess, url: string, dir: string): Promise<PrivateServer> {
  try {
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\nInstall it (Debian: apt-get install ${server.name}) or set ` +
      `${server.name === 'nats-server' ? 'NATS_URL' : 'REDIS_URL'}.`, { cause: error });
  }
  return {
    url,
    port: server.port,
    source: 'binary',
    stop: () => server.stop(),
    kill: () => server.kill(),
    restart: () => server.restart(),
    destroy: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let runtimeAnswers: Promise<boolean> | undefined;

/** Starts a container when a container runtime answers; `undefined` when none does. */
async function startContainer(image: string, port: number, command: string[], scheme: string): Promise<ServerHandle | undefined> {
  if (process.env.SWITCHBOARD_TESTKIT_CONTAINERS === '0') return undefined;
  const tc = await import('testcontainers');
  runtimeAnswers ??= tc.getContainerRuntimeClient().then(() => true, () => false);
  if (!(await runtimeAnswers)) return undefined;
  let container = new tc.GenericContainer(image).withExposedPorts(port);
  if (command.length > 0) container = container.withCommand(command);
  const started = await container.start();
  return {
    url: `${scheme}://${started.getHost()}:${started.getMappedPort(port)}`,
    source: 'container',
    stop: async () => { await started.stop(); },
  };
}
