import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Take the lease when it is free or ours, and extend it: ARGV owner, time to live (ms).
const TAKE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/**
 * Which queue-service replica does a domain's periodic work (announcing positions, the surge
 * forecast): the one holding a short lease in Redis, renewed on every look. A replica that dies
 * loses it after `ttlMs`, and another takes over; two replicas never both hold it (one key, one
 * atomic script), so a customer hears each notice once and the forecast switches surge once.
 */
export class ReplicaLease {
  private readonly owner = randomUUID();

  constructor(private readonly redis: Redis, private readonly key: string, private readonly ttlMs: number) {}

  /** The key of a domain's lease for a job (`announcer`, `surge`), under the service's key space. */
  static keyOf(prefix: string, domain: string, job: string): string {
    return `${prefix}qs:{d:${domain}}:lease:${job}`;
  }

  /** Takes or renews the lease; true while this replica holds it. */
  async holds(): Promise<boolean> {
    return (await this.redis.eval(TAKE, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }
}
