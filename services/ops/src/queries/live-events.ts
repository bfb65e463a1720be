import { DeliverPolicy } from 'nats';
import type { RoutingEvent } from '@switchboard/contracts';
import { routingEventsOf } from '@switchboard/router-api';
import { routingFilter, type RoutingSource } from './read-routing.js';

/** Which events a watcher wants; an empty list means all. */
export interface EventFilter {
  readonly queueIds: readonly string[];
  readonly agentIds: readonly string[];
  readonly contactIds: readonly string[];
}

/** A live event feed; `close()` ends the iteration and removes the server-side consumer. */
export interface EventFeed extends AsyncIterable<RoutingEvent> {
  close(): Promise<void>;
}

/** Whether `event` passes `filter`. */
export function matches(event: RoutingEvent, filter: EventFilter): boolean {
  const pass = (wanted: readonly string[], value: string) => wanted.length === 0 || wanted.includes(value);
  return pass(filter.queueIds, event.queueId) && pass(filter.agentIds, event.agentId) && pass(filter.contactIds, event.contactId);
}

/**
 * Follows the events of the domain's ROUTING batches through an ordered consumer: from `sinceMs`
 * when given (replay, then live without a gap or a duplicate, because it is one consumer), else
 * only new ones. Ordered consumers are ephemeral and recreated by the client on a gap, so a
 * watcher never misses an event while its connection lasts.
 */
export async function openEventFeed(source: RoutingSource, filter: EventFilter, sinceMs?: number): Promise<EventFeed> {
  const consumer = await source.js.consumers.get(source.names.routingStream, {
    filterSubjects: routingFilter(source),
    ...(sinceMs === undefined
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(sinceMs).toISOString() }),
  });
  const messages = await consumer.consume();
  return {
    close: async () => { await messages.close(); },
    async *[Symbol.asyncIterator]() {
      for await (const msg of messages) {
        for (const event of routingEventsOf(msg.data)) if (matches(event, filter)) yield event;
      }
    },
  };
}
