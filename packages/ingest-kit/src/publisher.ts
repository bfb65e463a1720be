import { SpanKind } from '@opentelemetry/api';
import { BusUnavailableError, contactsSubject, publishDurable, type Published } from '@switchboard/bus';
import { ContactRecord, type Contact, type ContactUpdate } from '@switchboard/contracts';
import { getTracer, SEMCONV, SEMCONV_VALUES, withSpan } from '@switchboard/telemetry';
import { channelToken } from './channel.js';
import { BODY_FIELD, ValidationError } from './errors.js';
import { isIdempotencyKey } from './idempotency-key.js';
import type { IngestBus } from './bus-link.js';
import { processIngestMetrics } from './ingest-metrics.js';

const tracer = getTracer('@switchboard/ingest-kit');

/** Publishes contacts and their later events to CONTACTS; resolves only after the JetStream ack. */
export interface ContactPublisher {
  /**
   * Publishes a new contact as `ContactRecord{arrived}` on `contacts.<domain>.<channel>`.
   * `idempotencyKey` is the channel's own key (CallSid, Message-ID, MsgId...).
   * @throws BusUnavailableError when NATS is down or JetStream did not ack: answer 503 / SMTP 451.
   */
  publishContact(contact: Contact, idempotencyKey: string): Promise<Published>;
  /** Publishes a later event of a known contact as `ContactRecord{update}`; same guarantees. */
  publishContactUpdate(update: ContactUpdate, idempotencyKey: string): Promise<Published>;
}

/** Options of {@link createContactPublisher}. */
export interface ContactPublisherOptions {
  /** Ack timeout per publish (default 3 s): a platform waits for our answer meanwhile. */
  readonly timeoutMs?: number;
}

/**
 * The Nats-Msg-Id of a record: the channel's key scoped by domain and channel, so the same
 * Message-ID delivered to two tenants (an email copied to both) is not dropped as a duplicate by
 * the one CONTACTS stream. Updates get their own namespace so they never collide with arrivals.
 */
export function contactMsgId(kind: 'arrived' | 'update', domain: string, channel: string, key: string): string {
  return `${domain}/${channel}/${kind === 'update' ? 'u/' : ''}${key}`;
}

/** Creates the publisher over a connected {@link IngestBus}. */
export function createContactPublisher(bus: IngestBus, options: ContactPublisherOptions = {}): ContactPublisher {
  const publish = async (domain: string, channel: string, kind: 'arrived' | 'update', key: string, record: ContactRecord) => {
    if (key.length === 0) throw new TypeError('an idempotency key is required');
    // Each edge checks its ids with checkIdempotencyKey, naming its own field; this is the
    // backstop that keeps a missed one a 400 (a CR/LF in Nats-Msg-Id made nats.js throw: a 500).
    if (!isIdempotencyKey(key, 1_024)) throw new ValidationError(BODY_FIELD, 'invalid_id', 'the platform id of this record has control characters or is too long');
    const subject = contactsSubject(bus.names, domain, channel);
    const msgId = contactMsgId(kind, domain, channel, key);
    const attributes = {
      [SEMCONV.messagingSystem]: SEMCONV_VALUES.messagingSystemNats,
      [SEMCONV.messagingDestinationName]: subject,
      [SEMCONV.messagingDestinationTemplate]: `${bus.names.subjectRoot}.contacts.{domain}.${channel}`,
      [SEMCONV.messagingOperationName]: 'publish',
      [SEMCONV.messagingOperationType]: SEMCONV_VALUES.operationTypeSend,
      [SEMCONV.messagingMessageId]: msgId,
      'switchboard.contact.record': kind,
    };
    // The producer span is active while publishDurable runs, so the traceparent it writes into
    // the NATS headers makes the router's processing span a child of this one.
    const published = withSpan(tracer, `publish ${bus.names.subjectRoot}.contacts.{domain}.${channel}`, attributes, async () => {
      // Fail at once while disconnected: nats.js would buffer the publish until its timeout, and
      // the platform (WeChat: 5 s) may give up before we answer.
      if (!bus.isConnected()) throw new BusUnavailableError('NATS is disconnected');
      const data = ContactRecord.encode(record).finish();
      return publishDurable(bus.js, subject, data, { msgId, expectStream: bus.names.contactsStream, timeoutMs: options.timeoutMs ?? 3_000 });
    }, { kind: SpanKind.PRODUCER });
    // Counted here, where the outcome is known, for every transport (HTTP, SMTP, gRPC).
    const metrics = processIngestMetrics();
    return published.then(
      (done) => { metrics.record(channel, done.duplicate ? 'duplicate' : 'accepted'); return done; },
      (error: unknown) => { metrics.record(channel, error instanceof BusUnavailableError ? 'unavailable' : 'failed'); throw error; },
    );
  };
  return {
    publishContact: (contact, key) =>
      publish(contact.domain, channelToken(contact.channel), 'arrived', key, { arrived: contact, update: undefined }),
    publishContactUpdate: (update, key) =>
      publish(update.domain, channelToken(update.channel), 'update', key, { arrived: undefined, update }),
  };
}
