import { describe, expect, it } from 'vitest';
import { AgentNotification, RoutingEvent } from '@switchboard/contracts';
import { agentEventsOf } from '@switchboard/router-api';
import { encodeAgentNotification } from './agent-notification.mapper.js';

const event = (n: number, body: Partial<RoutingEvent>) =>
  RoutingEvent.fromPartial({ id: `d:${n}`, domain: 'd', sequence: n, contactId: `c${n}`, agentId: 'a1', ...body });
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the agent notification', () => {
  it('is AgentNotification\'s wire form, written from the encoded events, every event in order with its trace context', () => {
    const events = [
      event(1, { completed: { disposition: 'done', handleSeconds: 3, notes: '' } }),
      event(2, { wrapUpEnded: { wrapUpSeconds: 0 } }),
      event(3, { offered: { reservationToken: 9 } }),
      // Lengths of two and three varint bytes: an explanation with many candidates.
      RoutingEvent.fromPartial({ id: 'd:4', domain: 'd', sequence: 4, contactId: 'c4', agentId: 'a1', offered: { reservationToken: 10, explanation: { queueId: 'q', candidates: Array.from({ length: 800 }, (_, i) => ({ agentId: `agent-${i}`, eligible: true, reasons: [], score: i, detail: 'skills ok' })) } } }),
    ];
    const traces: Record<string, string>[] = [{}, { traceparent: TRACEPARENT, tracestate: 'sb=1' }, { traceparent: TRACEPARENT }, { 'bäggage': 'vérité'.repeat(30) }];
    expect(RoutingEvent.encode(events[3]!).finish().length).toBeGreaterThan(16_384);
    const bytes = encodeAgentNotification(events.map((e, i) => ({ bytes: RoutingEvent.encode(e).finish(), traceContext: traces[i]! })));

    const expected = AgentNotification.fromPartial({ entries: events.map((e, i) => ({ event: e, traceContext: traces[i]! })) });
    expect(AgentNotification.decode(bytes)).toEqual(expected);
    expect(Buffer.from(AgentNotification.encode(expected).finish()).equals(Buffer.from(bytes))).toBe(true);
    expect(agentEventsOf(bytes)).toEqual(events.map((e, i) => ({ event: e, traceContext: traces[i]! })));
  });

  it('reads a message of the format before it (one RoutingEvent) as that event, and the other way round finds no event', () => {
    const old = event(4, { offered: { reservationToken: 2 } });
    expect(agentEventsOf(RoutingEvent.encode(old).finish())).toEqual([{ event: old, traceContext: {} }]);
    // A gateway not yet upgraded reads an empty event: no contact, no body, nothing to hand a desk.
    const notice = encodeAgentNotification([{ bytes: RoutingEvent.encode(old).finish() }]);
    expect(RoutingEvent.decode(notice)).toEqual(RoutingEvent.fromPartial({}));
  });
});
