/**
 * Redis keys of one routing domain. Every key carries the hash tag `{d:<domain>}`, so a domain
 * lives on one Redis Cluster shard and its Lua scripts stay single-slot.
 */
export interface DomainKeys {
  /** Who owns the domain now: `<replica>|<fencing token>`, with a TTL. */
  readonly lease: string;
  /** Monotonic fencing-token counter; survives lease expiry, not a Redis wipe (the epoch marks that). */
  readonly fence: string;
  /** Applied commands since the checkpoint, in order (stream): the checkpoint plus this log is the routing state. */
  readonly log: string;
  /** command id → log entry id of the commands since the last compaction: makes a resent commit idempotent. */
  readonly applied: string;
  /** The same, for the generation before the last compaction (a resend never spans two). */
  readonly appliedPrevious: string;
  /** The newest checkpoint (hash: data, position, logId, epoch, takenAt). */
  readonly checkpoint: string;
  /** Events and records waiting to be relayed to JetStream (stream). */
  readonly outbox: string;
  /** Timers by due time (sorted set of JSON members). */
  readonly timers: string;
  /** Set once when a domain's state is created; its absence after a start means Redis lost it. */
  readonly epoch: string;
  /**
   * Present while the state of a new epoch is being restored from JetStream (checkpoint archive plus
   * ROUTING): until the restorer clears it, what Redis holds is partial, and the next owner restores
   * again instead of going on from it.
   */
  readonly restoring: string;
}

/** Builds the keys of `domain` under `prefix` (`sb:` in production; tests pass their own). */
export function domainKeys(domain: string, prefix = 'sb:'): DomainKeys {
  const tag = `{d:${domain}}`;
  const key = (name: string) => `${prefix}${tag}:${name}`;
  return {
    lease: key('lease'),
    fence: key('fence'),
    log: key('log'),
    applied: key('applied'),
    appliedPrevious: key('applied:prev'),
    checkpoint: key('checkpoint'),
    outbox: key('outbox'),
    timers: key('timers'),
    epoch: key('epoch'),
    restoring: key('restoring'),
  };
}
