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
  /**
   * System frames routing sent that no socket has shown yet (the visitor was not connected, or
   * the nudge to the replica holding the socket was lost), oldest first; shown and removed on the
   * next connect or nudge. At most {@link MAX_PENDING_FRAMES}, kept as long as the session (24 h).
   */
  readonly pending?: readonly PendingFrame[];
  /** Routing ended the wait (rejected or expired); the contact is gone from the engine. */
  readonly closed?: ChatClosure;
  /** The visitor chose a callback while waiting: their leaving is not abandonment. */
  readonly callbackRequested?: boolean;
  /** What the visitor left after the wait ended: an email address or a number for a follow-up contact. */
  readonly followUp?: 'email' | 'callback';
  /** A satisfaction survey was sent after the conversation: answers are taken until `until` (ms). */
  readonly survey?: { readonly until: number };
}

/** How routing ended a chat's wait, and what the visitor may still answer until when. */
export interface ChatClosure {
  readonly reason: 'CLOSED' | 'MAX_WAIT' | 'QUEUE_FULL' | 'CALLBACK_FAILED';
  /** What the visitor may leave in answer (`leave-email` or `callback` frames), until `offerUntil` (ms). */
  readonly offer?: 'leave-email' | 'callback';
  readonly offerUntil?: number;
  readonly at: number;
}

/** A system frame waiting in the session for a socket; `id` makes a frame shown twice recognisable. */
export interface PendingFrame {
  readonly id: string;
  readonly frame: Readonly<Record<string, unknown>> & { readonly type: 'system'; readonly id: string };
}

/** Undelivered system frames kept per session: exceptions and offers, a handful per contact at most. */
export const MAX_PENDING_FRAMES = 8;

/**
 * `frame` added to a session's pending frames, once (by id); the oldest are dropped past
 * {@link MAX_PENDING_FRAMES} (routing sends one exception per contact, so this is never reached
 * in practice: the bound keeps a misbehaving producer from growing the record).
 */
export function withPending(session: ChatSession, frame: PendingFrame): ChatSession {
  const pending = session.pending ?? [];
  if (pending.some((p) => p.id === frame.id)) return session;
  return { ...session, pending: [...pending, frame].slice(-MAX_PENDING_FRAMES) };
}

/** The session without the pending frames whose ids are in `shown`. */
export function withoutPending(session: ChatSession, shown: ReadonlySet<string>): ChatSession {
  const pending = (session.pending ?? []).filter((p) => !shown.has(p.id));
  if (pending.length === (session.pending ?? []).length) return session;
  const { pending: _dropped, ...rest } = session;
  return pending.length > 0 ? { ...rest, pending } : rest;
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
