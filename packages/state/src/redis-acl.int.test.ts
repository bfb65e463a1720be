import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestScope, startPrivateRedis } from '@switchboard/testkit';
import { AgentPerformanceStore, createRedis, DomainStore, opsKeyPrefix, REDIS_USERS, redisSettingsFromEnv, renderRedisAclTemplate, type RedisUser } from './index.js';
import { startAclRedis, type AclRedis } from './testing/acl-redis.js';

const DEPLOY = fileURLToPath(new URL('../../../deploy/redis/', import.meta.url));

/** One key of each service's own, under the test prefix. */
function ownKey(user: RedisUser, prefix: string, domain: string): string {
  return {
    router: `${prefix}{d:${domain}}:lease`,
    'agent-gateway': `${prefix}gw:{d:${domain}}:session:a1`,
    'queue-service': `${prefix}qs:{d:${domain}}:queue:q1`,
    ops: `${opsKeyPrefix(prefix)}{d:${domain}}:c:c1`,
  }[user];
}

describe('Redis ACL users per service', () => {
  const scope = createTestScope('acl');
  let acl: AclRedis;
  const as = (user: RedisUser) => acl.client(acl.users[user]);
  beforeAll(async () => { acl = await startAclRedis(scope.redisPrefix); });
  afterAll(() => acl.stop());

  it('lets the router run the domain store (lease, batch commit, timers, checkpoint, compaction, outbox) through createRedis', async () => {
    const redis = createRedis('router', { lazyConnect: true }, redisSettingsFromEnv(acl.env('router')));
    const store = new DomainStore(redis, scope.domain, scope.redisPrefix);
    const lease = (await store.acquire('r1', 5_000, 'e1'))!;
    expect(lease.token).toBe(1);
    expect(await store.renew(lease, 5_000)).toBe(true);
    const outbox = [{ msgId: 'm1', subject: 's', payload: Buffer.from('x') }];
    const batch = await store.commitBatch(lease, [{ commandId: 'c1', command: '{}', timers: [{ dueAtMs: 10, member: 't1' }], outbox }], []);
    expect(batch.kind).toBe('ok');
    await store.commitMany(lease, [{ commandId: 'c2', command: '{}', timers: [] }]);
    expect(await store.scheduleTimers(lease, [{ dueAtMs: 20, member: 't2' }])).toBe(true);
    expect(await store.dueTimers(100)).toEqual(['t1', 't2']);
    await store.dropTimer(lease, 't1');
    const logId = (await store.lastLogId())!;
    expect(await store.saveCheckpoint(lease, { data: Buffer.from('s'), position: 2, logId, epoch: 'e1', takenAtMs: 1 })).toBe(true);
    expect(await store.compact(lease, 2)).toBe(2);
    const pending = await store.pendingOutbox();
    await store.ackOutbox(pending.map((p) => p.streamId));
    await redis.zadd(`${scope.redisPrefix}router:replicas`, 1, 'r1');
    await store.release(lease);
    redis.disconnect();
  });

  it('lets the gateway, the queue service and ops do their commands on their own keys', async () => {
    const gw = as('agent-gateway');
    const base = `${scope.redisPrefix}gw:{d:${scope.domain}}:`;
    await gw.multi().hset(`${base}session:a1`, { sessionId: 's', lastSeenMs: 1 }).zadd(`${base}deadlines`, 5, 'a1').exec();
    await gw.hset(`${base}offers:a1`, 'c1', 'b64');
    expect(await gw.hvals(`${base}offers:a1`)).toEqual(['b64']);
    expect(await gw.zrangebyscore(`${base}deadlines`, '-inf', 10, 'LIMIT', 0, 5)).toEqual(['a1']);

    const qs = as('queue-service');
    const queue = ownKey('queue-service', scope.redisPrefix, scope.domain);
    expect(await qs.eval("redis.call('HSET', KEYS[1], 'version', 1) return redis.call('HGET', KEYS[1], 'version')", 1, queue)).toBe('1');

    const ops = as('ops');
    const trace = ownKey('ops', scope.redisPrefix, scope.domain);
    const recent = `${opsKeyPrefix(scope.redisPrefix)}{d:${scope.domain}}:recent`;
    await ops.multi().hset(trace, 'contact', 'x').expire(trace, 60).zadd(recent, 1, 'c1').zremrangebyrank(recent, 0, -501).exec();
    expect(await ops.zrevrange(recent, 0, 10)).toEqual(['c1']);
    // Agent performance: its script and reads, as the ops user.
    const perf = new AgentPerformanceStore(ops, { domain: scope.domain, keyPrefix: opsKeyPrefix(scope.redisPrefix) });
    const quarter = Math.floor(Date.now() / 900_000) * 900_000;
    expect(await perf.apply(1, [{ agentId: 'a1', bucketStartMs: quarter, tally: { offered: 1 } }], new Map([['a1', '{}']]), Date.now())).toBe(true);
    expect((await perf.checkpoint()).seq).toBe(1);
    expect((await perf.read(['a1'], quarter, quarter + 900_000, 'quarter')).buckets).toHaveLength(1);
    expect(await perf.agents(0)).toEqual(['a1']);
    await perf.rewind(['a1']);
    expect(await perf.checkpoint()).toEqual({ seq: 0, open: new Map() });
  });

  it("refuses each service's user another service's keys, with NOPERM", async () => {
    for (const user of REDIS_USERS) {
      const redis = as(user);
      for (const other of REDIS_USERS.filter((o) => o !== user)) {
        await expect(redis.get(ownKey(other, scope.redisPrefix, scope.domain)), `${user} reading ${other}'s key`).rejects.toThrow(/NOPERM/);
      }
      // A key outside the prefix (another deployment, a test's neighbour) is refused too.
      await expect(redis.exists('sb:{d:default}:lease'), `${user} outside the prefix`).rejects.toThrow(/NOPERM/);
    }
  });

  it('refuses every service FLUSHALL, CONFIG, KEYS, SCAN, ACL, PUBLISH and a script touching a foreign key', async () => {
    for (const user of REDIS_USERS) {
      const redis = as(user);
      await expect(redis.flushall(), user).rejects.toThrow(/NOPERM/);
      await expect(redis.config('GET', 'requirepass'), user).rejects.toThrow(/NOPERM/);
      await expect(redis.keys('*'), user).rejects.toThrow(/NOPERM/);
      await expect(redis.scan('0'), user).rejects.toThrow(/NOPERM/);
      await expect(redis.call('ACL', 'LIST'), user).rejects.toThrow(/NOPERM/);
      await expect(redis.publish('ch', 'x'), user).rejects.toThrow(/NOPERM/);
    }
    const router = as('router');
    await expect(router.eval("return redis.call('GET', KEYS[1])", 1, ownKey('ops', scope.redisPrefix, scope.domain))).rejects.toThrow(/NOPERM/);
    // Undeclared keys inside a script are checked too.
    await expect(router.eval("return redis.call('DEL', 'sb:{d:default}:lease')", 0)).rejects.toThrow(/can't access/);
  });

  it('refuses a wrong password (WRONGPASS), no credentials (the default user is off) and lets healthcheck only PING', async () => {
    await expect(acl.client({ username: 'router', password: 'wrong' }).ping()).rejects.toThrow(/WRONGPASS/);
    await expect(acl.client({ username: 'router', password: acl.users.ops.password }).ping()).rejects.toThrow(/WRONGPASS/);
    await expect(acl.client(undefined).get('x')).rejects.toThrow(/NOAUTH/);
    await expect(acl.client({ username: 'default', password: 'anything' }).ping()).rejects.toThrow(/WRONGPASS/);
    const probe = acl.client({ username: 'healthcheck', password: 'x' });
    expect(await probe.ping()).toBe('PONG');
    await expect(probe.get(ownKey('router', scope.redisPrefix, scope.domain))).rejects.toThrow(/NOPERM/);
  });
});

describe('the deployment ACL (deploy/redis)', () => {
  it('ships the template rendered from redisAclRules', () => {
    // After changing redisAclRules: pnpm --filter @switchboard/state exec tsx src/write-acl-template.ts
    expect(readFileSync(join(DEPLOY, 'users.acl.template'), 'utf8'), 'deploy/redis/users.acl.template is stale').toBe(renderRedisAclTemplate());
  });

  it('render-acl.sh refuses a missing password, generates them on first start, and redis-server logs the services in with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-render-acl-'));
    const env = { PATH: process.env.PATH ?? '', REDIS_ACL_TEMPLATE: join(DEPLOY, 'users.acl.template'), REDIS_SECRETS_DIR: join(dir, 'secrets'), REDIS_ACL_FILE: join(dir, 'users.acl') };
    const run = (extra: Record<string, string> = {}) => execFileSync('sh', [join(DEPLOY, 'render-acl.sh')], { env: { ...env, ...extra }, stdio: 'pipe' });
    try {
      expect(() => run()).toThrow(/no password for Redis user/);
      mkdirSync(join(dir, 'secrets', 'router'), { recursive: true });
      writeFileSync(join(dir, 'secrets', 'router', 'password'), 'given-router-password\n');
      run({ REDIS_GENERATE_PASSWORDS: '1' });
      const first = readFileSync(join(dir, 'secrets', 'ops', 'password'), 'utf8');
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      run(); // a restart keeps the passwords
      expect(readFileSync(join(dir, 'secrets', 'ops', 'password'), 'utf8')).toBe(first);
      const rendered = readFileSync(env.REDIS_ACL_FILE, 'utf8');
      expect(rendered).not.toContain('{{');
      expect(rendered).not.toContain('given-router-password');
      const server = await startPrivateRedis({ aclFile: env.REDIS_ACL_FILE });
      try {
        for (const user of REDIS_USERS) {
          const redis = createRedis(user, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null },
            redisSettingsFromEnv({ REDIS_URL: server.url, REDIS_USERNAME: user, REDIS_PASSWORD_FILE: join(dir, 'secrets', user, 'password') }));
          expect(await redis.ping(), user).toBe('PONG');
          redis.disconnect();
        }
      } finally {
        await server.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

