import { AgentNotification, RoutingEvent } from '@switchboard/contracts';

/** One event a desk hears of, with the W3C trace context it came with (empty when none). */
export interface AgentEvent {
  readonly event: RoutingEvent;
  readonly traceContext: Readonly<Record<string, string>>;
}

/**
 * The events of one message on `<root>.agent.<domain>.<agentId>`, in the order they happened: an
 * `AgentNotification` (one per agent and ROUTING batch). A message of the format before it (one
 * `RoutingEvent`, its trace context in the NATS headers, from a router not yet upgraded) holds no
 * entry when read as a notification and is read as that one event, with an empty trace context:
 * the caller then reads the headers.
 * @throws when `data` is not protobuf.
 */
export function agentEventsOf(data: Uint8Array): AgentEvent[] {
  const notification = AgentNotification.decode(data);
  if (notification.entries.length === 0) return data.length === 0 ? [] : [{ event: RoutingEvent.decode(data), traceContext: {} }];
  const events: AgentEvent[] = [];
  for (const entry of notification.entries) if (entry.event) events.push({ event: entry.event, traceContext: entry.traceContext });
  return events;
}
