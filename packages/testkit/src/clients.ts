import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { Redis } from 'ioredis';
import { acquireNats, acquireRedis } from './servers.js';
import type { TestScope } from './scope.js';

/** A NATS connection for one test; `cleanup()` deletes the scope's streams and closes it. */
export interface TestNats {
  readonly url: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  cleanup(): Promise<void>;
}

/** A Redis connection for one test; `cleanup()` deletes the scope's keys and closes it. */
export interface TestRedis {
  readonly url: string;
  readonly redis: Redis;
  cleanup(): Promise<void>;
}

/** Connects to the test NATS server (see `acquireNats`) for the given scope. */
export async function connectTestNats(scope: TestScope): Promise<TestNats> {
  const server = await acquireNats();
  const nc = await connect({ servers: server.url, name: `test-${scope.id}` });
  const jsm = await nc.jetstreamManager();
  return {
    url: server.url,
    nc,
    js: nc.jetstream(),
    jsm,
    cleanup: async () => {
      for await (const name of jsm.streams.names()) {
        if (name.includes(scope.id.toUpperCase())) await jsm.streams.delete(name);
      }
      await nc.drain();
      await server.stop();
    },
  };
}

/** Connects to the test Redis server (see `acquireRedis`) for the given scope. */
export async function connectTestRedis(scope: TestScope): Promise<TestRedis> {
  const server = await acquireRedis();
  const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  return {
    url: server.url,
    redis,
    cleanup: async () => {
      await deleteKeysMatching(redis, `*${scope.id}*`);
      redis.disconnect();
      await server.stop();
    },
  };
}

/** Deletes every key matching `pattern`, in batches, without blocking Redis (SCAN, not KEYS). */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) deleted += await redis.unlink(key);
  } while (cursor !== '0');
  return deleted;
}
