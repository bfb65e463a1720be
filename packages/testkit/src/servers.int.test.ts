import { connect } from 'nats';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestScope, startPrivateNats, startPrivateRedis, type PrivateServer } from './index.js';

describe('private servers for fault tests', () => {
  const owned: PrivateServer[] = [];
  afterAll(async () => { await Promise.all(owned.map((s) => s.destroy())); });

  it('starts nats-server with JetStream on a free port, survives kill -9 and keeps streams across restart', async () => {
    const nats = await startPrivateNats();
    owned.push(nats);
    const scope = createTestScope('kit');
    let nc = await connect({ servers: nats.url });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: scope.stream('S'), subjects: [scope.subject('>')] });
    await nc.close();

    await nats.kill();
    await expect(connect({ servers: nats.url, reconnect: false, timeout: 500 })).rejects.toThrow();
    await nats.restart();

    nc = await connect({ servers: nats.url });
    const info = await (await nc.jetstreamManager()).streams.info(scope.stream('S'));
    expect(info.config.subjects).toEqual([scope.subject('>')]);
    await nc.close();
  });

  it('starts a redis-server that loses everything on restart, as production cache tier does', async () => {
    const redis = await startPrivateRedis();
    owned.push(redis);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    await redis.restart();
    await expect.poll(() => client.get('k').catch(() => 'down'), { timeout: 5_000 }).toBeNull();
    client.disconnect();
  });

  it('gives every scope its own names', () => {
    const a = createTestScope('x');
    const b = createTestScope('x');
    expect(a.id).not.toBe(b.id);
    expect(a.stream('CONTACTS')).not.toBe(b.stream('CONTACTS'));
    expect(a.stream('CONTACTS')).toMatch(/^[A-Z0-9_]+$/);
  });
});
