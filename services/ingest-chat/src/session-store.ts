import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';

/** A chat session as kept between the pre-chat form and the last WebSocket. */
export interface ChatSession {
  readonly sessionId: string;
  readonly contactId: string;
  readonly createdAt: number;
  readonly form: {
    readonly name: string;
    readonly email?: string;
    readonly language: string;
    readonly topic: string;
    readonly pageUrl: string;
    readonly department?: string;
    /** Set only when the identifier's hash verified. */
    readonly customerId?: string;
  };
  /** The first visitor message was published: the contact exists. */
  readonly started: boolean;
  /** The widget's id of that first message: its resend republishes the contact (deduplicated). */
  readonly firstMessageId?: string;
  /** An agent answered: leaving now ends the chat instead of abandoning it. */
  readonly answered: boolean;
  readonly ended: boolean;
  /** Last time a WebSocket opened, ms; a reconnect within the grace period is not abandonment. */
  readonly connectedAt: number;
  /** The id of the WebSocket that opened last: a close of any other one is not the visitor leaving. */
  readonly connectionId?: string;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_SESSION_BUCKET = 'chat_sessions';

/**
 * Chat sessions in a JetStream KV bucket (24 h TTL), so a visitor reconnecting to another replica
 * finds the form and whether the contact already exists. Fails fast with BusUnavailableError
 * while NATS is down; updates are compare-and-set so concurrent sockets never lose a flag.
 */
export class ChatSessionStore {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  static async open(nc: NatsConnection, bucket = DEFAULT_SESSION_BUCKET, isConnected = () => !nc.isClosed()): Promise<ChatSessionStore> {
    const kv = await nc.jetstream().views.kv(bucket, { history: 1, ttl: 24 * 3600_000, timeout: 2_000 });
    return new ChatSessionStore(kv, isConnected);
  }

  /**
   * Stores a new session, and which session its contact id belongs to (routing events name
   * contacts; see {@link markAnswered}). The index is written first so it never lags the session.
   */
  async create(session: ChatSession): Promise<void> {
    await this.guard(async () => {
      await this.kv.put(contactKey(session.contactId), session.sessionId);
      await this.kv.create(session.sessionId, JSON.stringify(session));
    });
  }

  /** The session whose contact is `contactId`, or undefined (another channel's, or expired). */
  async sessionOfContact(contactId: string): Promise<string | undefined> {
    return this.guard(async () => {
      const entry = await this.kv.get(contactKey(contactId));
      return entry && entry.operation === 'PUT' ? entry.string() : undefined;
    });
  }

  /**
   * Records that an agent answered the session of `contactId`, so the visitor leaving now ENDS the
   * contact instead of abandoning it.
   * @returns the session id, or undefined when no session of this service has that contact.
   */
  async markAnswered(contactId: string): Promise<string | undefined> {
    const sessionId = await this.sessionOfContact(contactId);
    if (sessionId === undefined) return undefined;
    const updated = await this.update(sessionId, (s) => (s.answered ? s : { ...s, answered: true }));
    return updated ? sessionId : undefined;
  }

  async get(sessionId: string): Promise<ChatSession | undefined> {
    return this.guard(async () => read(await this.kv.get(sessionId)));
  }

  /** Applies `change` to the stored session, retrying on a concurrent write; undefined if gone. */
  async update(sessionId: string, change: (s: ChatSession) => ChatSession): Promise<ChatSession | undefined> {
    return this.guard(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(sessionId);
        const current = read(entry);
        if (!current || !entry) return undefined;
        const next = change(current);
        if (await casPut(this.kv, sessionId, JSON.stringify(next), entry)) return next;
      }
      throw new BusUnavailableError('chat session kept changing under us');
    });
  }

  /**
   * About how many sessions the bucket holds (every replica's): two keys per session (the
   * session and its contact index), expired ones gone. Read from the stream's state, not by
   * listing keys.
   */
  async sessionCount(): Promise<number> {
    return this.guard(async () => Math.ceil((await this.kv.status()).values / 2));
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardKv(this.isConnected, 'chat session store', fn);
  }
}

/** Session ids start with `cs_`, contact ids are base32: the `contact.` prefix cannot collide. */
function contactKey(contactId: string): string {
  return `contact.${contactId}`;
}

function read(entry: KvEntry | null): ChatSession | undefined {
  return entry && entry.operation === 'PUT' ? entry.json<ChatSession>() : undefined;
}
