import { createHash } from 'node:crypto';
import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';
import type { KfServiceStateValue } from '@switchboard/wechat';

/** An open (or ended) conversation of one customer with one account. */
export interface Conversation {
  readonly contactId: string;
  /** Dedup key of the message that opened it: a retry of that message opens nothing new. */
  readonly openedBy: string;
  /** Time of the latest message, ms since the epoch (WeChat's CreateTime). */
  readonly lastAt: number;
  readonly ended: boolean;
  /**
   * The kf session's service_state (0 new … 3 agent) as last reported; absent for other sources
   * and for conversations recorded before states were tracked.
   */
  readonly serviceState?: KfServiceStateValue;
  /** The kf agent (servicer_userid) who has the session, when one does. */
  readonly servicer?: string;
}

/** Which contact a message belongs to, and whether it starts that contact. */
export interface Resolution {
  readonly contactId: string;
  readonly isNew: boolean;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_CONVERSATION_BUCKET = 'wechat_conversations';

/** WeChat's customer-service window: after 48 h of silence a message starts a new contact. */
export const CONVERSATION_IDLE_MS = 48 * 3600_000;
/**
 * How long the bucket keeps a conversation after its last message: past the idle limit it can
 * only open a new contact, so keeping it longer would only grow the bucket with every customer
 * ever seen. An existing bucket keeps the TTL it was created with (see README, Operations).
 */
export const CONVERSATION_TTL_MS = 7 * 24 * 3600_000;

/**
 * Tracks which contact a customer's messages belong to, in a JetStream KV bucket so every replica
 * (and a restarted one) agrees: the first message opens a contact, later ones join it until it
 * ends or goes idle. Writes are compare-and-set, so two replicas racing on one customer's first
 * two messages still open a single contact. Keys are hashes: no openid is stored in clear.
 */
export class ConversationStore {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  /** Opens (creating when missing) the bucket. */
  static async open(nc: NatsConnection, bucket = DEFAULT_CONVERSATION_BUCKET, isConnected = () => !nc.isClosed()): Promise<ConversationStore> {
    const kv = await nc.jetstream().views.kv(bucket, { history: 1, ttl: CONVERSATION_TTL_MS, timeout: 2_000 });
    return new ConversationStore(kv, isConnected);
  }

  /**
   * Resolves the contact of a message from `customerKey` (account + customer), opening a new
   * conversation with `newContactId()` when none is open.
   * @throws BusUnavailableError when the bucket cannot be read or written now.
   */
  async resolve(customerKey: string, message: { dedupKey: string; at: number; newContactId: () => string; serviceState?: KfServiceStateValue }): Promise<Resolution> {
    return this.guard(async () => {
      const key = keyOf(customerKey);
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const current = readEntry(entry);
        if (current && current.openedBy === message.dedupKey) return { contactId: current.contactId, isNew: true };
        if (current && !current.ended && message.at - current.lastAt < CONVERSATION_IDLE_MS) {
          if (message.at > current.lastAt && !(await this.write(key, { ...current, lastAt: message.at }, entry))) continue;
          return { contactId: current.contactId, isNew: false };
        }
        const opened: Conversation = {
          contactId: message.newContactId(),
          openedBy: message.dedupKey,
          lastAt: message.at,
          ended: false,
          ...(message.serviceState === undefined ? {} : { serviceState: message.serviceState }),
        };
        if (await this.write(key, opened, entry)) return { contactId: opened.contactId, isNew: true };
      }
      throw new BusUnavailableError('conversation store kept changing under us');
    });
  }

  /** The open conversation of a customer, if any. */
  async current(customerKey: string): Promise<Conversation | undefined> {
    return this.guard(async () => {
      const conversation = readEntry(await this.kv.get(keyOf(customerKey)));
      return conversation && !conversation.ended ? conversation : undefined;
    });
  }

  /** The customer's latest conversation, open or ended (until the bucket's TTL forgets it). */
  async latest(customerKey: string): Promise<Conversation | undefined> {
    return this.guard(async () => readEntry(await this.kv.get(keyOf(customerKey))));
  }

  /** Marks the customer's conversation ended; returns it, or undefined when none was open. */
  async end(customerKey: string): Promise<Conversation | undefined> {
    return this.guard(async () => {
      const key = keyOf(customerKey);
      const entry = await this.kv.get(key);
      const conversation = readEntry(entry);
      if (!conversation || conversation.ended) return undefined;
      await this.write(key, { ...conversation, ended: true }, entry);
      return conversation;
    });
  }

  /**
   * Ends the customer's conversation if it is still `contactId`'s: routing turned the contact away
   * (rejected, expired), so the customer's next message opens a new contact instead of joining
   * one the router no longer has. Resolves to whether it ended it.
   * @throws BusUnavailableError when the bucket cannot be written now.
   */
  async endContact(customerKey: string, contactId: string): Promise<boolean> {
    return this.guard(async () => {
      const key = keyOf(customerKey);
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const conversation = readEntry(entry);
        if (!conversation || conversation.ended || conversation.contactId !== contactId) return false;
        if (await this.write(key, { ...conversation, ended: true }, entry)) return true;
      }
      throw new BusUnavailableError('conversation store kept changing under us');
    });
  }

  /**
   * Records the kf session state of the customer's open conversation, if it is still `contactId`'s
   * (a conversation ended or replaced meanwhile is left alone).
   * @throws BusUnavailableError when the bucket cannot be written now.
   */
  async setServiceState(customerKey: string, contactId: string, state: KfServiceStateValue, servicer?: string): Promise<void> {
    await this.guard(async () => {
      const key = keyOf(customerKey);
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const conversation = readEntry(entry);
        if (!conversation || conversation.ended || conversation.contactId !== contactId) return;
        const next: Conversation = { ...conversation, serviceState: state, ...(servicer ? { servicer } : {}) };
        if (await this.write(key, next, entry)) return;
      }
      throw new BusUnavailableError('conversation store kept changing under us');
    });
  }

  /** Compare-and-set: false when another writer got there first. */
  private write(key: string, value: Conversation, previous: KvEntry | null): Promise<boolean> {
    return casPut(this.kv, key, JSON.stringify(value), previous);
  }

  // Fails fast while disconnected: WeChat gives up on us after 5 s.
  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardKv(this.isConnected, 'conversation store', fn);
  }
}

function keyOf(customerKey: string): string {
  return `c_${createHash('sha256').update(customerKey, 'utf8').digest('hex').slice(0, 40)}`;
}

function readEntry(entry: KvEntry | null): Conversation | undefined {
  if (!entry || entry.operation !== 'PUT') return undefined;
  return entry.json<Conversation>();
}
