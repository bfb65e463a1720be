import { headers as natsHeaders, type JetStreamClient, type PubAck } from 'nats';
import { injectIntoNatsHeaders } from '@switchboard/telemetry';
import { BusUnavailableError } from './errors.js';

/** Where a published message landed. `duplicate` is true when the dedup window already held its id. */
export interface Published {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

export interface PublishOptions {
  /** Nats-Msg-Id: the channel's own idempotency key (CallSid, MsgId, Message-ID...) or event id. */
  readonly msgId: string;
  /** The stream the subject must land in; refuses a subject no stream (or another) captures. */
  readonly expectStream?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * Publishes to JetStream and resolves only when the stream acknowledged the message, carrying
 * `Nats-Msg-Id` for deduplication and the active trace context in `traceparent`.
 * @throws BusUnavailableError when JetStream did not acknowledge (the caller must not report success).
 */
export async function publishDurable(js: JetStreamClient, subject: string, data: Uint8Array, options: PublishOptions): Promise<Published> {
  if (!options.msgId) throw new TypeError('publishDurable needs a msgId for deduplication');
  const h = natsHeaders();
  for (const [key, value] of Object.entries(options.headers ?? {})) h.set(key, value);
  injectIntoNatsHeaders(h);
  let ack: PubAck;
  try {
    ack = await js.publish(subject, data, {
      msgID: options.msgId,
      headers: h,
      timeout: options.timeoutMs ?? 5_000,
      ...(options.expectStream ? { expect: { streamName: options.expectStream } } : {}),
    });
  } catch (error) {
    throw new BusUnavailableError(`JetStream did not acknowledge ${subject}: ${(error as Error).message}`, { cause: error });
  }
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

