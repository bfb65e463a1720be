import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { freePort, ServerProcess } from '@switchboard/testkit';
import { connectBus } from '../connection.js';
import { DEFAULT_BUS_NAMES, type BusNames } from '../names.js';
import { BUS_SERVICES, renderNatsAuthorization, servicePermissions, type BusService } from '../nats-permissions.js';

/** A user of the locked server: a service's, or `admin` (every subject). */
export type LockedUser = BusService | 'admin';

/** A private nats-server with JetStream and the deployment's users and permissions. */
export interface LockedNats {
  readonly url: string;
  readonly names: BusNames;
  readonly server: ServerProcess;
  /** Each user's generated password. */
  readonly passwords: Readonly<Record<LockedUser, string>>;
  /** The environment a service process needs to connect as `user` (NATS_URL, NATS_USER, NATS_PASSWORD, TLS when on). */
  env(user: LockedUser): Record<string, string>;
  /** Connects as `user` through `connectBus`, as the service would (no reconnect loop on refusal). */
  connect(user: LockedUser): Promise<NatsConnection>;
  /**
   * Whether a core publish by `user` on `subject` reaches a subscriber with every permission
   * (`admin`): a message the server refused is one that never arrived. Connections are kept
   * per user until `stop`.
   */
  delivers(user: LockedUser, subject: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface LockedNatsOptions {
  readonly names?: BusNames;
  /** Serve TLS only with this certificate; clients must trust `caFile`. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
}

/**
 * Starts a private `nats-server -js` (testkit's server process, a free port, its own store) with
 * the users and permissions `servicePermissions` gives the deployment, each with a random
 * password. Stop it with `stop()`.
 */
export async function startLockedNats(options: LockedNatsOptions = {}): Promise<LockedNats> {
  const names = options.names ?? DEFAULT_BUS_NAMES;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-locked-nats-'));
  const passwords = Object.fromEntries([...BUS_SERVICES, 'admin'].map((u) => [u, randomBytes(18).toString('base64url')])) as Record<LockedUser, string>;
  const auth = renderNatsAuthorization([
    ...BUS_SERVICES.map((service) => ({ user: service, password: JSON.stringify(passwords[service]), permissions: servicePermissions(service, names) })),
    { user: 'admin', password: JSON.stringify(passwords.admin) },
  ]);
  const tls = options.tls
    ? `tls {\n  cert_file: ${JSON.stringify(options.tls.certFile)}\n  key_file: ${JSON.stringify(options.tls.keyFile)}\n  ca_file: ${JSON.stringify(options.tls.caFile)}\n}\n`
    : '';
  const config = join(dir, 'nats.conf');
  writeFileSync(config, `listen: "127.0.0.1:${port}"\njetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }\n${tls}${auth}`);
  const server = new ServerProcess('nats-server', process.env.NATS_SERVER_BIN ?? 'nats-server', ['-c', config], port);
  try {
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `${options.tls ? 'tls' : 'nats'}://127.0.0.1:${port}`;
  const env = (user: LockedUser): Record<string, string> => ({
    NATS_URL: url, NATS_USER: user, NATS_PASSWORD: passwords[user], ...(options.tls ? { NATS_TLS_CA: options.tls.caFile } : {}),
  });
  const connectAs = (user: LockedUser) => connectBus({ url, name: `locked-test ${user}`, env: env(user), extra: { waitOnFirstConnect: false, maxReconnectAttempts: 0 } });
  const links = new Map<LockedUser, Promise<NatsConnection>>();
  const linkOf = (user: LockedUser) => {
    let link = links.get(user);
    if (!link) links.set(user, link = connectAs(user));
    return link;
  };
  return {
    url, names, server, passwords, env,
    connect: connectAs,
    delivers: async (user, subject) => {
      const admin = await linkOf('admin');
      let got = 0;
      const sub = admin.subscribe(subject, { callback: () => { got++; } });
      await admin.flush();
      const nc = await linkOf(user);
      nc.publish(subject, new TextEncoder().encode('probe'));
      await nc.flush();
      await new Promise((r) => setTimeout(r, 150));
      sub.unsubscribe();
      return got > 0;
    },
    stop: async () => {
      for (const link of links.values()) await (await link).close().catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
