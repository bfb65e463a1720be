import { createHash } from 'node:crypto';

/** The services that reach Redis, each as its own ACL user (the name is the service's folder). */
export const REDIS_USERS = ['router', 'agent-gateway', 'queue-service', 'ops'] as const;
export type RedisUser = (typeof REDIS_USERS)[number];

/** What one user may touch: key patterns (read and write) and the commands its code sends. */
export interface RedisAclRule {
  readonly user: RedisUser;
  readonly keys: readonly string[];
  /** Key patterns the user may only read (another service's index it must consult). */
  readonly readKeys?: readonly string[];
  readonly commands: readonly string[];
}

// Every client: ioredis's ready check (INFO), the connection name (CLIENT SETNAME), SELECT for a
// `/db` in REDIS_URL (key patterns hold in every database), PING, and a polite QUIT. AUTH and
// HELLO need no grant.
const CONNECTION = ['ping', 'info', 'client|setname', 'select', 'quit'];

/**
 * The ACL of each service, read from its code. Keys by prefix: with `SB_REDIS_PREFIX` unset the
 * router writes `sb:{d:<domain>}:…` and `sb:router:replicas`, the gateway `gw:{d:…}`, the queue
 * service `qs:{d:…}` (and the customers `sb:{d:…}:cust:…` it links for a CRM) and ops `ops:{d:…}`; with a prefix P they become `P{d:…}`, `Prouter:replicas`,
 * `Pgw:{d:…}`, `Pqs:{d:…}` and `Pops:{d:…}` (ops is given `Pops:` as its own key prefix). No
 * service writes another's keys; one reads another's: the queue service reads the entries of ops'
 * QA review list (`Pops:{d:…}:qa:items`, read-only) to score a marked contact. None uses pub/sub,
 * so every user has no channels.
 *
 * Commands include those inside the Lua scripts: Redis checks a script's calls against the user
 * who runs EVAL, keys included.
 */
export function redisAclRules(prefix?: string): readonly RedisAclRule[] {
  const router = prefix ?? 'sb:';
  const others = prefix ?? '';
  return [
    {
      user: 'router',
      keys: [`${router}{d:*`, `${router}router:replicas`],
      commands: [
        // packages/state scripts (lease, commit, checkpoint, compaction, timers) and reads
        'eval', 'evalsha', 'get', 'set', 'del', 'unlink', 'exists', 'incr', 'pexpire', 'rename',
        'hget', 'hset', 'hgetall', 'xadd', 'xtrim', 'xrange', 'xrevrange', 'xlen', 'xdel',
        'zadd', 'zrem', 'zrange', 'zrangebyscore', 'zcard', 'zremrangebyscore',
        // the customer store's resolution script (customer-scripts.ts)
        'expire', 'sadd', 'smembers',
      ],
    },
    {
      user: 'agent-gateway',
      keys: [`${others}gw:{d:*`],
      commands: ['multi', 'exec', 'discard', 'hget', 'hset', 'hdel', 'hgetall', 'hvals', 'del', 'zadd', 'zrem', 'zrangebyscore'],
    },
    {
      user: 'queue-service',
      // Its own keys, and the customers of the router's domains (CustomerService: link, unlink, show).
      keys: [`${others}qs:{d:*`, `${router}{d:*}:cust:*`],
      readKeys: [`${opsKeyPrefix(prefix)}{d:*}:qa:items`],
      commands: ['eval', 'evalsha', 'hget', 'hset', 'hgetall', 'del', 'get', 'set', 'incr', 'expire', 'sadd', 'srem', 'smembers'],
    },
    {
      user: 'ops',
      keys: [`${opsKeyPrefix(prefix)}{d:*`],
      // The QA review list's scripts (QaReviewList) run hexists, hset, hdel, zadd, zrem, zcard, zrange, zrangebyscore.
      commands: ['multi', 'exec', 'discard', 'hset', 'hgetall', 'expire', 'zadd', 'zremrangebyrank', 'zrevrange',
        'eval', 'evalsha', 'hget', 'hsetnx', 'hincrbyfloat', 'expireat',
        // agent performance (AgentPerformanceStore: its script and reads)
        'get', 'set', 'hdel', 'pexpireat', 'zrangebyscore', 'zremrangebyscore',
        // the QA review list (QaReviewList: its scripts and reads)
        'hmget', 'hexists', 'zrem', 'zcard', 'zrange'],
    },
  ];
}

/** Ops' own key prefix under `SB_REDIS_PREFIX` (its default is `ops:`). */
export function opsKeyPrefix(prefix?: string): string {
  return `${prefix ?? ''}ops:`;
}

/** How a user's password appears in the file: `#<sha256 hex>`, never the password itself. */
export function aclPasswordHash(password: string): string {
  return `#${createHash('sha256').update(password).digest('hex')}`;
}

/** Options of {@link renderRedisAcl}. */
export interface RenderRedisAclOptions {
  /** `SB_REDIS_PREFIX` of the deployment (or a test's prefix). */
  readonly prefix?: string;
  /** For each user, the password token: `#<sha256>` from {@link aclPasswordHash}, or a placeholder. */
  readonly password: (user: RedisUser) => string;
  /** Extra lines (a test's admin user). */
  readonly extra?: readonly string[];
}

/**
 * The ACL file (`aclfile` of redis-server): the default user off and stripped, a `healthcheck`
 * user that may only PING (probes need no secret), and one user per service.
 */
export function renderRedisAcl(options: RenderRedisAclOptions): string {
  const lines = [
    'user default off resetpass resetkeys resetchannels -@all',
    'user healthcheck on nopass resetkeys resetchannels -@all +ping',
    ...redisAclRules(options.prefix).map((rule) => [
      `user ${rule.user} on ${options.password(rule.user)} resetkeys resetchannels`,
      ...rule.keys.map((pattern) => `~${pattern}`),
      ...(rule.readKeys ?? []).map((pattern) => `%R~${pattern}`),
      '-@all',
      ...[...CONNECTION, ...rule.commands].map((command) => `+${command}`),
    ].join(' ')),
    ...(options.extra ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The template shipped in deploy/redis/users.acl.template: `{{user}}` where the init step puts
 * `#<sha256 of the user's password>` (deploy/redis/render-acl.sh).
 */
export function renderRedisAclTemplate(prefix?: string): string {
  const header = '# Generated from redisAclRules (packages/state/src/redis-acl.ts) by src/write-acl-template.ts; a test keeps it equal.\n' +
    '# deploy/redis/render-acl.sh replaces each {{user}} with #<sha256 of that user\'s password file>.\n';
  return header + renderRedisAcl({ ...(prefix !== undefined ? { prefix } : {}), password: (user) => `{{${user}}}` });
}
