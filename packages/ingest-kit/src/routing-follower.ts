import type { JsMsg } from 'nats';
import type { Logger } from 'pino';
import { consumeDurable, routingSubject, settle, type DurableConsumer, type Settlement } from '@switchboard/bus';
import type { RoutingEvent } from '@switchboard/contracts';
import { batchMayHold, ROUTING_BATCH, routingEventsOf, routingEventType } from '@switchboard/router-api';
import type { IngestBus } from './bus-link.js';

/** The routing event that says an agent took a contact (the contact is CONNECTED). */
export const OFFER_ACCEPTED_EVENT = 'OfferAccepted';

/** Options of {@link followRoutingEvents}. */
export interface RoutingFollowerOptions {
  readonly bus: IngestBus;
  /** The routing domain whose events are followed. */
  readonly domain: string;
  /**
   * The event type (`OfferAccepted`, `ContactCompleted`...). ROUTING carries one batch per router
   * commit (`<root>.routing.<domain>.batch`); batches whose `Sb-Event-Types` header names no
   * event of this type are acked without being decoded.
   */
  readonly event: string;
  /**
   * Durable consumer name, shared by the service's replicas so each batch goes to one of them and a
   * restart resumes where the last one stopped (e.g. `ingest-email-<domain>-accepted`).
   */
  readonly durable: string;
  readonly logger: Logger;
  /**
   * Applies one event. Resolve once its effect is durable; the batch is acked once every event
   * of the type in it was handled. Throw to have the whole batch redelivered with backoff (a
   * store is down): the events of it already handled come again, so handlers must be idempotent.
   */
  readonly handle: (event: RoutingEvent) => Promise<void>;
  /** Deliveries before a batch whose handling keeps failing is dead-lettered (default 20). */
  readonly maxDeliver?: number;
}

/**
 * Follows one kind of routing event of a domain on the ROUTING stream with a durable pull
 * consumer (explicit ack) on the domain's batches, for ingestion services that keep a little
 * state learned from routing: who handled an email conversation last, whether an agent answered
 * a chat. Services meet the router only on the wire, so this reads the batches the router's
 * outbox relay published, handling the events of the type in each in order. An undecodable batch
 * is dead-lettered; a failing handler has the batch retried (handlers are idempotent).
 * A durable created before batches (filtered on `<root>.routing.<domain>.<event>`) is moved to
 * the batch subject on start (bus `ensureDurable` updates the filter) and resumes from its
 * position: per-event messages it had not yet read are not delivered any more.
 */
export async function followRoutingEvents(options: RoutingFollowerOptions): Promise<DurableConsumer> {
  const { bus } = options;
  const log = options.logger.child({ component: 'routing-follower', event: options.event });
  return consumeDurable({
    js: bus.js,
    jsm: bus.jsm,
    names: bus.names,
    stream: bus.names.routingStream,
    durable: options.durable,
    filterSubject: routingSubject(bus.names, options.domain, ROUTING_BATCH),
    ackWaitMs: 10_000,
    maxDeliver: options.maxDeliver ?? 20,
    logger: log,
    handle: (msg) => applyBatch(msg, options),
  });
}

async function applyBatch(msg: JsMsg, options: RoutingFollowerOptions): Promise<Settlement> {
  if (!batchMayHold(msg.headers, [options.event])) return settle.ack;
  let events: RoutingEvent[];
  try {
    events = routingEventsOf(msg.data);
  } catch (error) {
    return settle.poison(`not a RoutingBatch: ${(error as Error).message}`);
  }
  for (const event of events) if (routingEventType(event) === options.event) await options.handle(event);
  return settle.ack;
}
