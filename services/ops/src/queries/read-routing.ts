import type { JetStreamClient, JetStreamManager } from 'nats';
import { RoutingEvent } from '@switchboard/contracts';
import { readSubject, streamSubjects, type BusNames } from '@switchboard/bus';

/** Where the routing record of a domain is read from. */
export interface RoutingSource {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly domain: string;
}

/** The wildcard of a domain's routing events. */
export function routingFilter(source: RoutingSource): string {
  return streamSubjects.routing(source.names).replace(/>$/, `${source.domain}.>`);
}

/**
 * Reads the domain's routing events stored since `fromMs` (JetStream's own timestamps), in stream
 * order, up to what the stream held when the read began (bus `readSubject`).
 * `.applied` command records are skipped. KPIs for an interval read only that interval.
 */
export async function* readRoutingSince(source: RoutingSource, fromMs: number, untilMs = Infinity): AsyncGenerator<RoutingEvent> {
  for await (const msg of readSubject(source.js, source.jsm, source.names.routingStream, routingFilter(source), { sinceMs: fromMs })) {
    if (msg.info.timestampNanos / 1e6 > untilMs) return;
    if (!msg.subject.endsWith('.applied')) yield RoutingEvent.decode(msg.data);
  }
}
