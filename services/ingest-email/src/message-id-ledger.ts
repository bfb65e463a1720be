import { createHash } from 'node:crypto';
import type { KV, NatsConnection } from 'nats';
import { guardKv } from '@switchboard/ingest-kit';

/** What was stored for a Message-ID: enough to answer a retry exactly as the first delivery. */
export interface LedgerEntry {
  readonly contactId: string;
  readonly conversationId: string;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_LEDGER_BUCKET = 'email_message_ids';

/** SMTP servers give up after 4–5 days of retries (RFC 5321 suggests at least 4): keep a week. */
export const DEFAULT_LEDGER_TTL_MS = 7 * 86_400_000;

/**
 * Message-IDs already stored on CONTACTS, in a JetStream KV bucket whose entries expire after
 * days. JetStream's own dedup window is minutes, but a sending MTA that never heard our 250 (a
 * timeout, a dropped connection) retries for days: the ledger lets such a retry be answered with
 * success without publishing the message a second time. An id is recorded only after the
 * JetStream ack, so an id in the ledger always means a stored contact.
 */
export class MessageIdLedger {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  /** Opens (creating when missing) the bucket with `ttlMs` as its entries' lifetime. */
  static async open(nc: NatsConnection, options: { bucket?: string; ttlMs?: number; isConnected?: () => boolean } = {}): Promise<MessageIdLedger> {
    const kv = await nc.jetstream().views.kv(options.bucket ?? DEFAULT_LEDGER_BUCKET, {
      history: 1,
      ttl: options.ttlMs ?? DEFAULT_LEDGER_TTL_MS,
      timeout: 2_000,
    });
    return new MessageIdLedger(kv, options.isConnected ?? (() => !nc.isClosed()));
  }

  /**
   * The entry recorded for `messageKey` (the Nats-Msg-Id key of the message), if any.
   * @throws BusUnavailableError when the bucket cannot be read now.
   */
  async lookup(messageKey: string): Promise<LedgerEntry | undefined> {
    return guardKv(this.isConnected, 'message-id ledger', async () => {
      const entry = await this.kv.get(keyOf(messageKey));
      return entry && entry.operation === 'PUT' ? entry.json<LedgerEntry>() : undefined;
    });
  }

  /**
   * Records a stored message. Call only after the JetStream ack.
   * @throws BusUnavailableError when the bucket cannot be written now.
   */
  async record(messageKey: string, entry: LedgerEntry): Promise<void> {
    await guardKv(this.isConnected, 'message-id ledger', () => this.kv.put(keyOf(messageKey), JSON.stringify(entry)));
  }
}

/** KV keys allow only `[-/_=.a-zA-Z0-9]`, and Message-IDs hold `<>@` and more: keys are hashes. */
function keyOf(messageKey: string): string {
  return `m_${createHash('sha256').update(messageKey, 'utf8').digest('hex')}`;
}
