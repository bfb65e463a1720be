import { acquireNats, acquireRedis, type ServerHandle } from './servers.js';

/**
 * Vitest globalSetup: resolves one NATS and one Redis for the whole run (environment, container or
 * binaries on free ports) and hands them to every test worker through NATS_URL / REDIS_URL.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const started: ServerHandle[] = [];
  const nats = await acquireNats();
  started.push(nats);
  const redis = await acquireRedis();
  started.push(redis);
  process.env.NATS_URL = nats.url;
  process.env.REDIS_URL = redis.url;
  // JetStream reserves max_bytes per stream; many test streams at production sizes exhaust the disk.
  process.env.SB_CONTACTS_MAX_BYTES ??= String(128 * 1024 ** 2);
  process.env.SB_ROUTING_MAX_BYTES ??= String(256 * 1024 ** 2);
  return async () => {
    await Promise.all(started.map((server) => server.stop()));
  };
}
