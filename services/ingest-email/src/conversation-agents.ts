import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';

/** The agent who last took a conversation, and when (to ignore an older event arriving late). */
export interface HandlingAgent {
  readonly agentId: string;
  /** The routing event's per-domain sequence (0 when the router did not set one). */
  readonly sequence: number;
  /** The routing event's time, ms since the epoch. */
  readonly at: number;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_CONVERSATION_BUCKET = 'email_conversations';

/** A reply after this long of silence goes to whoever is free: the old agent's context is gone. */
export const DEFAULT_CONVERSATION_TTL_MS = 30 * 86_400_000;

/**
 * Per email conversation, the agent who last handled it, in a JetStream KV bucket so every
 * replica and a restarted one agree. Three kinds of key: `c_<contactId>` → the contact's
 * conversation id (written when the message is ingested, because routing events name contacts,
 * not conversations), `l_<conversationId>` → its newest contact (what closing the thread ends),
 * and `a_<conversationId>` → {@link HandlingAgent} (written when a routing event says an agent
 * accepted one of the conversation's contacts).
 */
export class ConversationAgents {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  static async open(nc: NatsConnection, options: { bucket?: string; ttlMs?: number; isConnected?: () => boolean } = {}): Promise<ConversationAgents> {
    const kv = await nc.jetstream().views.kv(options.bucket ?? DEFAULT_CONVERSATION_BUCKET, {
      history: 1,
      ttl: options.ttlMs ?? DEFAULT_CONVERSATION_TTL_MS,
      timeout: 2_000,
    });
    return new ConversationAgents(kv, options.isConnected ?? (() => !nc.isClosed()));
  }

  /**
   * Remembers which conversation a contact belongs to. Written before the contact is published,
   * so a routing event about it always finds its conversation.
   * @throws BusUnavailableError when the bucket cannot be written now.
   */
  async rememberContact(contactId: string, conversationId: string): Promise<void> {
    await guardKv(this.isConnected, 'conversation store', async () => {
      await this.kv.put(`c_${contactId}`, conversationId);
      // The conversation's newest contact: what a platform closing the thread ends.
      await this.kv.put(`l_${conversationId}`, contactId);
    });
  }

  /** The newest contact of a conversation ingested here, or undefined (unknown, or expired). */
  async latestContact(conversationId: string): Promise<string | undefined> {
    return guardKv(this.isConnected, 'conversation store', async () => {
      const entry = await this.kv.get(`l_${conversationId}`);
      return entry && entry.operation === 'PUT' ? entry.string() : undefined;
    });
  }

  /** The conversation of a contact ingested here, or undefined (another channel, or expired). */
  async conversationOf(contactId: string): Promise<string | undefined> {
    return guardKv(this.isConnected, 'conversation store', async () => {
      const entry = await this.kv.get(`c_${contactId}`);
      return entry && entry.operation === 'PUT' ? entry.string() : undefined;
    });
  }

  /** The agent who last handled the conversation, or undefined. */
  async lastAgent(conversationId: string): Promise<HandlingAgent | undefined> {
    return guardKv(this.isConnected, 'conversation store', async () => readAgent(await this.kv.get(`a_${conversationId}`)));
  }

  /**
   * Records that `agent` handled the conversation, unless a later event already named another
   * agent (redeliveries and replays are harmless). Compare-and-set against concurrent replicas.
   * @returns whether the record changed.
   */
  async recordAgent(conversationId: string, agent: HandlingAgent): Promise<boolean> {
    return guardKv(this.isConnected, 'conversation store', async () => {
      const key = `a_${conversationId}`;
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const current = readAgent(entry);
        if (current && !isLater(agent, current)) return false;
        if (await casPut(this.kv, key, JSON.stringify(agent), entry)) return true;
      }
      throw new BusUnavailableError('conversation agent kept changing under us');
    });
  }
}

/** Later by the router's sequence when both carry one, else by time. */
function isLater(candidate: HandlingAgent, current: HandlingAgent): boolean {
  if (candidate.sequence > 0 && current.sequence > 0) return candidate.sequence > current.sequence;
  return candidate.at > current.at;
}

function readAgent(entry: KvEntry | null): HandlingAgent | undefined {
  return entry && entry.operation === 'PUT' ? entry.json<HandlingAgent>() : undefined;
}
