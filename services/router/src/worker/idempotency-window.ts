/**
 * How long a command id is remembered after its command was applied. An id can come back only
 * while something may still resend it:
 * - an arrival (`arrive:<contactId>`) while its CONTACTS message may be redelivered (the router
 *   acks it only once its record is on ROUTING: at most `maxDeliver × ackWait` after the first
 *   delivery) or re-published by a platform past JetStream's dedup window;
 * - any other command (desk requests, queue upserts, abandons) while its sender may retry, which
 *   is within the dedup window; these are also fenced by offer tokens and states in the engine.
 * Timer commands need no id memory: a fired timer is stale by its token.
 */
export interface IdempotencyRetention {
  readonly arrivalsMs: number;
  readonly commandsMs: number;
}

/** CONTACTS' consumer: 1,000 deliveries × 5 s ack wait = 83 min, rounded up, beside a 10 min dedup window. */
export const DEFAULT_RETENTION: IdempotencyRetention = { arrivalsMs: 2 * 3_600_000, commandsMs: 15 * 60_000 };

/**
 * The applied command ids still inside their retention, in application order. Commands are
 * applied at non-decreasing times, so each map is ordered by time and pruning pops from its head:
 * O(1) amortized per command, and the size is bounded by the command rate × retention.
 */
export class IdempotencyWindow {
  private readonly arrivals = new Map<string, number>();
  private readonly commands = new Map<string, number>();

  constructor(private readonly retention: IdempotencyRetention) {}

  get size(): number {
    return this.arrivals.size + this.commands.size;
  }

  has(commandId: string): boolean {
    return this.arrivals.has(commandId) || this.commands.has(commandId);
  }

  add(commandId: string, atMs: number): void {
    if (commandId === '' || commandId.startsWith('timer:')) return;
    const map = commandId.startsWith('arrive:') ? this.arrivals : this.commands;
    map.delete(commandId);
    map.set(commandId, atMs);
    this.prune(atMs);
  }

  /** Forgets ids whose retention has passed at `nowMs`. */
  prune(nowMs: number): void {
    pruneHead(this.arrivals, nowMs - this.retention.arrivalsMs);
    pruneHead(this.commands, nowMs - this.retention.commandsMs);
  }

  /** Every remembered id with its time as `[id, atMs]`, oldest first within each kind (the cheapest copy). */
  tuples(): [string, number][] {
    return [...this.arrivals, ...this.commands];
  }
}

function pruneHead(map: Map<string, number>, beforeMs: number): void {
  for (const [id, at] of map) {
    if (at >= beforeMs) return;
    map.delete(id);
  }
}
