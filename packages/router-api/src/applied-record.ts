import type { AgentProfile, RoutingCommand } from '@switchboard/routing-core';

/**
 * One applied command as kept in the Redis log and relayed to ROUTING inside a batch (`RoutingBatch.commands[].record`):
 * the contract between the router that writes it and whoever reads the record (the router's own
 * rebuilds, the auditor, tests).
 * Replaying the records in `n` order into a fresh engine rebuilds the domain's state exactly,
 * because the engine is deterministic and every record carries the time it was applied at.
 */
export interface AppliedRecord {
  /** Position in the domain's log, from 1. */
  readonly n: number;
  /** Idempotency key of the command ('' when none). */
  readonly cid: string;
  /**
   * The Redis state epoch it was committed in (see `Lease.epoch`); absent in records written before
   * epochs were recorded. After Redis lost its state, `n` starts again from the last record the new
   * owner found on ROUTING, so (`e`, `n`) — not `n` alone — names a record.
   */
  readonly e?: string;
  /** When it was applied (epoch ms); the engine's `nowMs`. */
  readonly at: number;
  readonly cmd: RoutingCommand;
  /**
   * ARRIVE only: the contact's platform context (customer, channel ids, summary, conversation
   * history; proto `Contact` JSON) that desktops show with an offer. The engine never reads it.
   */
  readonly context?: Record<string, unknown>;
}

export function encodeApplied(record: AppliedRecord): string {
  return JSON.stringify(record);
}

/** Whether the record signed an agent in (what the auditor reads capacities from). */
export function isSignIn(record: AppliedRecord): record is AppliedRecord & { readonly cmd: { readonly type: 'SIGN_IN'; readonly agent: AgentProfile } } {
  return record.cmd.type === 'SIGN_IN';
}

/** @throws TypeError when `text` is not an applied-command record */
export function decodeApplied(text: string): AppliedRecord {
  const record = JSON.parse(text) as AppliedRecord;
  if (typeof record.n !== 'number' || typeof record.at !== 'number' || typeof record.cmd?.type !== 'string') {
    throw new TypeError('not an applied-command record');
  }
  return record;
}
