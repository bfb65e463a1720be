import { connect, type NatsConnection } from 'nats';
import type { Redis } from 'ioredis';
import { DEFAULT_BUS_NAMES, ensureStreams, type BusNames } from '@switchboard/bus';
import { createRedis, redisSettingsFromEnv } from '@switchboard/state';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';

/** Fresh NATS and Redis for one benchmark run: nothing else competes for them, and nothing is left behind. */
export interface BenchServers {
  readonly nats: PrivateServer;
  readonly redis: PrivateServer;
  readonly nc: NatsConnection;
  readonly rd: Redis;
  readonly names: BusNames;
  close(): Promise<void>;
}

export async function startBenchServers(): Promise<BenchServers> {
  const nats = await startPrivateNats();
  const redis = await startPrivateRedis();
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1 });
  const rd = createRedis('bench', {}, redisSettingsFromEnv({ REDIS_URL: redis.url }));
  const names = DEFAULT_BUS_NAMES;
  await ensureStreams(await nc.jetstreamManager(), names, {
    replicas: 1, duplicateWindowMs: 120_000, contactsMaxAgeMs: 86_400_000, routingMaxAgeMs: 86_400_000,
    contactsMaxBytes: 4 * 1024 ** 3, routingMaxBytes: 8 * 1024 ** 3, maxMessageBytes: 1024 * 1024,
  });
  return {
    nats, redis, nc, rd, names,
    close: async () => {
      await nc.close().catch(() => undefined);
      rd.disconnect();
      await Promise.all([nats.destroy(), redis.destroy()]);
    },
  };
}

/** Seconds between two `performance.now()` readings. */
export const seconds = (fromMs: number, toMs = performance.now()) => (toMs - fromMs) / 1000;
