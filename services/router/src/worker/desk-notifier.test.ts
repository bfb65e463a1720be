import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { NatsConnection } from 'nats';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { DEFAULT_BUS_NAMES } from '@switchboard/bus';
import { agentEventsOf } from '@switchboard/router-api';
import { createLogger, startTelemetry, startTestTelemetry, type Telemetry, type TestTelemetry } from '@switchboard/telemetry';
import { DeskNotifier } from './desk-notifier.js';
import type { Notice } from './outbox-relay.js';

const traced = (n: number, flags: TraceFlags): Context => trace.setSpanContext(ROOT_CONTEXT,
  { traceId: n.toString(16).padStart(32, '0'), spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
const notice = (n: number, agentId: string, body: Partial<ProtoEvent>, ctx?: Context): Notice => {
  const event = ProtoEvent.fromPartial({ id: `d:${n}`, domain: 'd', sequence: n, contactId: `c${n}`, agentId, ...body });
  return { event, bytes: ProtoEvent.encode(event).finish(), ctx };
};

function notifier(): { desks: DeskNotifier; sent: { subject: string; data: Uint8Array }[] } {
  const sent: { subject: string; data: Uint8Array }[] = [];
  const nc = { publish: (subject: string, data: Uint8Array) => { sent.push({ subject, data }); } } as unknown as NatsConnection;
  return { desks: new DeskNotifier({ nc, names: DEFAULT_BUS_NAMES, domain: 'd', logger: createLogger({ service: 'desk-test', level: 'silent' }) }), sent };
}

// Tracing on first: the module's tracer, obtained at import, records only under the first SDK started.
describe('desk notifications with tracing on', () => {
  let telemetry: TestTelemetry;
  beforeAll(() => { telemetry = startTestTelemetry(); });
  beforeEach(() => telemetry.reset());
  afterAll(async () => { await telemetry.shutdown(); });

  it('gives each event its own trace: a publish span per sampled event around the one message, an upstream not-sampled context as it came', () => {
    const { desks, sent } = notifier();
    desks.notify([
      notice(1, 'a1', { offered: { reservationToken: 1 } }, traced(1, TraceFlags.SAMPLED)),
      notice(2, 'a1', { offered: { reservationToken: 2 } }, traced(2, TraceFlags.NONE)),
      notice(3, 'a1', { offered: { reservationToken: 3 } }, ROOT_CONTEXT), // a new trace (the test SDK samples every root)
      notice(4, 'a1', { offered: { reservationToken: 4 } }, traced(4, TraceFlags.SAMPLED)),
    ]);

    expect(sent).toHaveLength(1);
    const contexts = agentEventsOf(sent[0]!.data).map((e) => e.traceContext);
    const spans = telemetry.spans().filter((s) => s.kind === SpanKind.PRODUCER);
    // Every span encloses the one publish; they end innermost first, and the last event's is innermost.
    const traceIds = spans.map((s) => s.spanContext().traceId);
    expect(traceIds).toHaveLength(3);
    expect([traceIds[0], traceIds[2]]).toEqual([4, 1].map((n) => n.toString(16).padStart(32, '0')));
    expect(spans.every((s) => s.name === 'publish sb.agent.{domain}.{agentId}' && s.attributes['switchboard.agent.id'] === 'a1')).toBe(true);
    const [fourth, third, first] = spans;
    expect(contexts).toEqual([
      { traceparent: `00-${first!.spanContext().traceId}-${first!.spanContext().spanId}-01` },
      { traceparent: `00-${(2).toString(16).padStart(32, '0')}-00f067aa0ba902b7-00` },
      { traceparent: `00-${third!.spanContext().traceId}-${third!.spanContext().spanId}-01` },
      { traceparent: `00-${fourth!.spanContext().traceId}-${fourth!.spanContext().spanId}-01` },
    ]);
  });
});

describe('desk notifications with tracing off (OTEL_TRACES_SAMPLER_ARG=0)', () => {
  let telemetry: Telemetry;
  beforeAll(() => { telemetry = startTelemetry({ service: 'router', sampleRatio: 0, env: {} }); });
  afterAll(async () => { await telemetry.shutdown(); });

  it('sends one message per agent for a batch, holding that agent\'s events in order, and none for events naming no agent', () => {
    const { desks, sent } = notifier();
    const batch = [
      notice(1, 'a1', { completed: { disposition: 'done', handleSeconds: 1, notes: '' } }),
      notice(2, 'a2', { offered: { reservationToken: 1 } }),
      notice(3, '', { queued: { effectivePriority: 0, position: 1 } }),
      notice(4, 'a1', { wrapUpEnded: { wrapUpSeconds: 0 } }),
      notice(5, 'a1', { offered: { reservationToken: 2 } }),
    ];
    desks.notify(batch);
    desks.notify([notice(6, 'a1', { accepted: { reservationToken: 2, waitSeconds: 0 } })]);

    expect(sent.map((m) => m.subject)).toEqual(['sb.agent.d.a1', 'sb.agent.d.a2', 'sb.agent.d.a1']);
    expect(sent.map((m) => agentEventsOf(m.data).map((e) => e.event.id))).toEqual([['d:1', 'd:4', 'd:5'], ['d:2'], ['d:6']]);
    expect(agentEventsOf(sent[0]!.data)[2]?.event).toEqual(batch[4]!.event);
  });

  it('publishes a contact\'s later events in the trace it arrived in until it ends', () => {
    const { desks, sent } = notifier();
    desks.rememberTrace('c1', traced(9, TraceFlags.NONE));
    desks.notify([notice(1, 'a1', { offered: { reservationToken: 1 } }, ROOT_CONTEXT)]);
    desks.notify([notice(1, 'a1', { wrapUpEnded: { wrapUpSeconds: 0 } }, ROOT_CONTEXT)]);
    desks.notify([notice(1, 'a1', { offered: { reservationToken: 2 } }, ROOT_CONTEXT)]);
    // Nothing records a new trace: no span, no trace context, not even a not-sampled one.
    const carried = sent.map((m) => agentEventsOf(m.data)[0]?.traceContext.traceparent);
    expect(carried).toEqual([`00-${(9).toString(16).padStart(32, '0')}-00f067aa0ba902b7-00`, undefined, undefined]);
  });
});
