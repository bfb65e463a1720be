import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis, type PrivateRedisOptions, type PrivateServer } from '@switchboard/testkit';
import { Redis } from 'ioredis';
import { aclPasswordHash, renderRedisAcl, REDIS_USERS, type RedisUser } from '../redis-acl.js';

/** A user name and password of the ACL'd server. */
export interface AclCredentials {
  readonly username: string;
  readonly password: string;
}

/** A private redis-server with the deployment's ACL for one key prefix, as {@link startAclRedis} starts it. */
export interface AclRedis {
  readonly server: PrivateServer;
  /** Without credentials. */
  readonly url: string;
  readonly prefix: string;
  /** Each service's user, with a fresh random password. */
  readonly users: Readonly<Record<RedisUser, AclCredentials>>;
  /** A test-only user with every permission (cleanup, assertions); not in the deployment's ACL. */
  readonly admin: AclCredentials;
  /** The environment a service process needs to reach this server as `user` (REDIS_URL, REDIS_USERNAME, REDIS_PASSWORD, SB_REDIS_PREFIX). */
  env(user: RedisUser): Record<string, string>;
  /** A client logged in as `credentials` (lazy: the first command connects, and fails on a refused login). */
  client(credentials: AclCredentials | undefined): Redis;
  /** Disconnects `redis` (a service's own client) when the server stops; returns it. */
  adopt(redis: Redis): Redis;
  stop(): Promise<void>;
}

/**
 * Starts a redis-server whose ACL file is the deployment's (renderRedisAcl) for `prefix`, plus an
 * `sb-test-admin` user. For tests of the permissions and of services running under them.
 */
export async function startAclRedis(prefix: string, options: Omit<PrivateRedisOptions, 'aclFile'> = {}): Promise<AclRedis> {
  const password = () => randomBytes(18).toString('base64url');
  const users = Object.fromEntries(REDIS_USERS.map((user) => [user, { username: user, password: password() }])) as Record<RedisUser, AclCredentials>;
  const admin = { username: 'sb-test-admin', password: password() };
  const acl = renderRedisAcl({
    prefix,
    password: (user) => aclPasswordHash(users[user].password),
    extra: [`user ${admin.username} on ${aclPasswordHash(admin.password)} ~* &* +@all`],
  });
  const dir = mkdtempSync(join(tmpdir(), 'sb-acl-'));
  const file = join(dir, 'users.acl');
  writeFileSync(file, acl, { mode: 0o600 });
  const server = await startPrivateRedis({ ...options, aclFile: file });
  const clients: Redis[] = [];
  return {
    server,
    url: server.url,
    prefix,
    users,
    admin,
    env: (user) => ({ REDIS_URL: server.url, REDIS_USERNAME: users[user].username, REDIS_PASSWORD: users[user].password, SB_REDIS_PREFIX: prefix }),
    client: (credentials) => {
      const redis = new Redis(server.url, {
        lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false,
        ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
      });
      redis.on('error', () => undefined); // a refused login is what some tests expect; the command's promise reports it
      clients.push(redis);
      return redis;
    },
    adopt: (redis) => {
      clients.push(redis);
      return redis;
    },
    stop: async () => {
      for (const redis of clients) redis.disconnect();
      await server.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
