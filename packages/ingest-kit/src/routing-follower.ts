import type { JsMsg } from 'nats';
import type { Logger } from 'pino';
import { consumeDurable, routingSubject, settle, type DurableConsumer, type Settlement } from '@switchboard/bus';
import { RoutingEvent } from '@switchboard/contracts';
import type { IngestBus } from './bus-link.js';

/** The routing event that says an agent took a contact (the contact is CONNECTED). */
export const OFFER_ACCEPTED_EVENT = 'OfferAccepted';

/** Options of {@link followRoutingEvents}. */
export interface RoutingFollowerOptions {
  readonly bus: IngestBus;
  /** The routing domain whose events are followed. */
  readonly domain: string;
  /**
   * The event type, the last subject token (`OfferAccepted`, `ContactCompleted`...): the
   * consumer is filtered on the server to `<root>.routing.<domain>.<event>`.
   */
  readonly event: string;
  /**
   * Durable consumer name, shared by the service's replicas so each event is handled once and a
   * restart resumes where the last one stopped (e.g. `ingest-email-<domain>-accepted`).
   */
  readonly durable: string;
  readonly logger: Logger;
  /**
   * Applies one event. Resolve once its effect is durable (the event is acked right after);
   * throw to have it redelivered with backoff (a store is down).
   */
  readonly handle: (event: RoutingEvent) => Promise<void>;
  /** Deliveries before an event that keeps failing is dead-lettered (default 20). */
  readonly maxDeliver?: number;
}

/**
 * Follows one kind of routing event of a domain on the ROUTING stream with a durable pull
 * consumer (explicit ack), for ingestion services that keep a little state learned from routing:
 * who handled an email conversation last, whether an agent answered a chat. Services meet the
 * router only on the wire, so this reads the events the router's outbox relay published.
 * An undecodable message is dead-lettered; a failing handler is retried.
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
    filterSubject: routingSubject(bus.names, options.domain, options.event),
    ackWaitMs: 10_000,
    maxDeliver: options.maxDeliver ?? 20,
    logger: log,
    handle: (msg) => applyEvent(msg, options),
  });
}

async function applyEvent(msg: JsMsg, options: RoutingFollowerOptions): Promise<Settlement> {
  let event: RoutingEvent;
  try {
    event = RoutingEvent.decode(msg.data);
  } catch (error) {
    return settle.poison(`not a RoutingEvent: ${(error as Error).message}`);
  }
  await options.handle(event);
  return settle.ack;
}
