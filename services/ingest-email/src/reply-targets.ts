import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';

/** Whom a contact's acknowledgment goes to, and what it answers. Personal data (the address). */
export interface ReplyTarget {
  /** The customer's From address and display name. */
  readonly address: string;
  readonly name: string;
  readonly subject: string;
  /** The customer's Message-ID, and the thread's earlier ids (oldest first): In-Reply-To and References. */
  readonly messageId: string;
  readonly references: readonly string[];
  /** Content-Language of the customer's mail; empty when it had none. */
  readonly language: string;
}

/** Where a contact's acknowledgment stands. */
export interface AckMarker {
  readonly state: 'sending' | 'sent' | 'failed';
  /** When the state was written, ms since the epoch (0: free to retry at once). */
  readonly at: number;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_REPLY_TARGET_BUCKET = 'email_reply_targets';

/**
 * Lifetime of every entry: an email contact may wait days (surge mode defers non-urgent mail), so
 * two weeks covers its wait and the redeliveries of the event that turned it away; the bucket holds
 * at most the contacts of two weeks (two keys each).
 */
export const REPLY_TARGET_TTL_MS = 14 * 86_400_000;

/** References carried in an acknowledgment: the root and the newest others are what threading needs. */
const MAX_REFERENCES = 20;

/**
 * For each email contact, what its acknowledgment needs (`c_<contactId>` → {@link ReplyTarget},
 * written when the message is ingested, before the contact is published, so a routing event
 * about it always finds it) and the acknowledgment's sent-marker (`x_<contactId>`, compare-and-set),
 * in a JetStream KV bucket shared by the replicas.
 */
export class ReplyTargets {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  static async open(nc: NatsConnection, options: { bucket?: string; isConnected?: () => boolean } = {}): Promise<ReplyTargets> {
    const kv = await nc.jetstream().views.kv(options.bucket ?? DEFAULT_REPLY_TARGET_BUCKET, { history: 1, ttl: REPLY_TARGET_TTL_MS, timeout: 2_000 });
    return new ReplyTargets(kv, options.isConnected ?? (() => !nc.isClosed()));
  }

  /** @throws BusUnavailableError when the bucket cannot be written now. */
  async remember(contactId: string, target: ReplyTarget): Promise<void> {
    const references = target.references.length <= MAX_REFERENCES ? target.references : [target.references[0]!, ...target.references.slice(-(MAX_REFERENCES - 1))];
    await this.guard(() => this.kv.put(`c_${contactId}`, JSON.stringify({ ...target, references })));
  }

  /** The target of a contact ingested here, or undefined (another channel, or expired). */
  async targetOf(contactId: string): Promise<ReplyTarget | undefined> {
    return this.guard(async () => read<ReplyTarget>(await this.kv.get(`c_${contactId}`)));
  }

  /**
   * Compare-and-set of the contact's marker: `change` gets the current one and returns the next,
   * or undefined to leave it. Resolves to what was written, or undefined.
   * @throws BusUnavailableError when the bucket cannot be used now, or keeps changing.
   */
  async updateMarker(contactId: string, change: (current: AckMarker | undefined) => AckMarker | undefined): Promise<AckMarker | undefined> {
    return this.guard(async () => {
      const key = `x_${contactId}`;
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const next = change(read<AckMarker>(entry));
        if (next === undefined) return undefined;
        if (await casPut(this.kv, key, JSON.stringify(next), entry)) return next;
      }
      throw new BusUnavailableError('acknowledgment marker kept changing under us');
    });
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardKv(this.isConnected, 'reply targets', fn);
  }
}

function read<T>(entry: KvEntry | null): T | undefined {
  return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
}
