import type { Redis } from 'ioredis';

/** What the service keeps of a queue beyond the router's config: its display name and version. */
export interface QueueMeta {
  readonly displayName: string;
  readonly version: number;
}

// Compare-and-set of a queue's version: ARGV expected version ('' = must not exist), display name.
// Returns the new version, or -1 on a version mismatch. One script so two updates cannot both win.
const CAS = `
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '' then
  if current then return -1 end
elseif (current or '0') ~= ARGV[1] then
  return -1
end
local next = tonumber(current or '0') + 1
redis.call('HSET', KEYS[1], 'version', next, 'displayName', ARGV[2])
return next`;

/**
 * Queue versions for optimistic concurrency, in Redis under the domain's hash tag. The routing
 * config itself lives with the router (UPSERT_QUEUE); a queue from the rules file that was never
 * changed here has version 0.
 */
export class QueueStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(domain: string, queueId: string): string {
    return `${this.prefix}qs:{d:${domain}}:queue:${queueId}`;
  }

  async get(domain: string, queueId: string): Promise<QueueMeta> {
    const h = await this.redis.hgetall(this.key(domain, queueId));
    return { displayName: h.displayName ?? '', version: Number(h.version ?? 0) };
  }

  /**
   * Bumps the version if it still equals `expected` (`undefined`: the queue must be new here).
   * @returns the new version, or undefined when another change won.
   */
  async bump(domain: string, queueId: string, expected: number | undefined, displayName: string): Promise<number | undefined> {
    const result = (await this.redis.eval(CAS, 1, this.key(domain, queueId), expected === undefined ? '' : String(expected), displayName)) as number;
    return result < 0 ? undefined : result;
  }

  /** Puts back what `bump` replaced when the router refused the change. */
  async restore(domain: string, queueId: string, previous: QueueMeta | undefined): Promise<void> {
    if (!previous || previous.version === 0) await this.redis.del(this.key(domain, queueId));
    else await this.redis.hset(this.key(domain, queueId), { version: previous.version, displayName: previous.displayName });
  }
}
