import type { JetStreamClient, JetStreamManager } from 'nats';
import type { RoutingEvent } from '@switchboard/contracts';
import { readSubject, routingSubject, type BusNames } from '@switchboard/bus';
import { ROUTING_BATCH, routingEventsOf } from '@switchboard/router-api';

/** Where the routing record of a domain is read from. */
export interface RoutingSource {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly domain: string;
}

/** The subject of a domain's ROUTING batches (one per router commit, its commands and their events). */
export function routingFilter(source: RoutingSource): string {
  return routingSubject(source.names, source.domain, ROUTING_BATCH);
}

/**
 * Reads the events of the domain's routing batches stored since `fromMs` (JetStream's own
 * timestamps), in stream order, up to what the stream held when the read began (bus
 * `readSubject`) and to the last batch stored by `untilMs`. KPIs for an interval read only that
 * interval.
 */
export async function* readRoutingSince(source: RoutingSource, fromMs: number, untilMs = Infinity): AsyncGenerator<RoutingEvent> {
  for await (const msg of readSubject(source.js, source.jsm, source.names.routingStream, routingFilter(source), { sinceMs: fromMs })) {
    if (msg.info.timestampNanos / 1e6 > untilMs) return;
    yield* routingEventsOf(msg.data);
  }
}
