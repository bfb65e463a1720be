import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection } from 'nats';
import { ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { AgentNotification, RoutingEvent } from '@switchboard/contracts';
import { createLogger, startTestTelemetry, type TestTelemetry } from '@switchboard/telemetry';
import { ContactTraces } from './contact-traces.js';
import { DeskHub } from './desk-hub.js';

const ctx = (n: number) => trace.setSpanContext(ROOT_CONTEXT, { traceId: n.toString(16).padStart(32, '0'), spanId: '00f067aa0ba902b7', traceFlags: 1 });
const event = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({ contactId, agentId: 'a1', ...body });
const offered = (contactId: string) => event(contactId, { offered: { reservationToken: 1 } });
const ENDINGS: Partial<RoutingEvent>[] = [
  { wrapUpEnded: { wrapUpSeconds: 5 } }, { abandoned: { fromState: 'CONNECTED', waitSeconds: 3, reason: '' } }, { expired: { waitSeconds: 60, reason: 'MAX_WAIT', action: undefined } }, { rejected: { reason: 'QUEUE_FULL', action: undefined } },
  // The hold ends: the contact goes back to a queue, or away; its next offer brings the context again.
  { declined: { reservationToken: 1, reason: 'busy' } }, { timedOut: { reservationToken: 1, consecutiveMisses: 1 } },
  { transferred: { fromAgentId: 'a1', toQueueId: 'q2', toAgentId: '', by: 'a1', destination: '', reason: '' } },
];

describe('the trace contexts a gateway keeps per contact', () => {
  it('forgets a contact when its hold by an agent ends, however it ends, so after the holds ended nothing is held', () => {
    const traces = new ContactTraces();
    for (let i = 0; i < 400; i++) {
      traces.heard(offered(`c${i}`), ctx(i + 1));
      traces.heard(event(`c${i}`, { accepted: { reservationToken: 1, waitSeconds: 1 } }), ctx(i + 1));
    }
    expect(traces.size).toBe(400);
    expect(traces.get('c7')).toBeDefined();
    for (let i = 0; i < 400; i++) traces.heard(event(`c${i}`, ENDINGS[i % ENDINGS.length]!), ctx(i + 1));
    expect(traces.size).toBe(0);
  });

  it('holds at most its cap under ten times as many contacts that never end here', () => {
    const traces = new ContactTraces(100);
    for (let i = 0; i < 1_000; i++) {
      traces.heard(offered(`c${i}`), ctx(i + 1));
      expect(traces.size).toBeLessThanOrEqual(100);
    }
    expect(traces.get('c999')).toBeDefined();
    expect(traces.get('c0')).toBeUndefined();
  });
});

describe('the desk hub', () => {
  let telemetry: TestTelemetry;
  beforeAll(() => { telemetry = startTestTelemetry(); });
  afterAll(async () => { await telemetry.shutdown(); });

  const startHub = async () => {
    let deliver: ((error: Error | null, msg: Msg) => void) | undefined;
    const nc = {
      subscribe: (_subject: string, options: { callback: (error: Error | null, msg: Msg) => void }) => { deliver = options.callback; return { unsubscribe: () => undefined }; },
      flush: async () => undefined,
    } as unknown as NatsConnection;
    const sessions = { get: async () => undefined, offers: async () => [], dropOffer: async () => undefined };
    const names = { contactsStream: 'C', routingStream: 'R', deadLetterStream: 'D', subjectRoot: 'sb' };
    const hub = new DeskHub({ nc, names, domain: 'd', router: {} as never, sessions: sessions as never, logger: createLogger({ service: 'hub-test', level: 'silent' }) });
    await hub.start();
    const deliverMsg = (data: Uint8Array, headers?: MsgHdrs) => deliver!(null, { subject: 'sb.agent.d.a1', data, headers } as unknown as Msg);
    return { hub, deliverMsg };
  };
  const traceparent = (n: number) => `00-${n.toString(16).padStart(32, '0')}-00f067aa0ba902b7-01`;
  const traceIdOf = (c: Context | undefined) => (c === undefined ? undefined : trace.getSpanContext(c)?.traceId);

  it('holds no trace, chain or listener once the contacts it heard of ended', async () => {
    const { hub, deliverMsg } = await startHub();
    const send = (e: RoutingEvent, n: number) =>
      deliverMsg(AgentNotification.encode({ entries: [{ event: e, traceContext: { traceparent: traceparent(n) } }] }).finish());
    for (let i = 0; i < 100; i++) send(offered(`c${i}`), i + 1);
    expect(hub.sizes().tracedContacts).toBe(100);
    expect(hub.traceOf('c5')).toBeDefined();
    for (let i = 0; i < 100; i++) send(event(`c${i}`, ENDINGS[i % ENDINGS.length]!), i + 1);
    await expect.poll(() => hub.sizes()).toEqual({ listenedAgents: 0, eventChains: 0, tracedContacts: 0 });
    hub.stop();
  });

  it('keeps each contact\'s own trace from one notification of several, and reads the older one-event message\'s from its headers', async () => {
    const { hub, deliverMsg } = await startHub();
    deliverMsg(AgentNotification.encode({ entries: [
      { event: offered('c1'), traceContext: { traceparent: traceparent(1) } },
      { event: offered('c2'), traceContext: { traceparent: traceparent(2) } },
      { event: offered('c3'), traceContext: {} },
    ] }).finish());
    const h: MsgHdrs = natsHeaders();
    h.set('traceparent', traceparent(4));
    deliverMsg(RoutingEvent.encode(offered('c4')).finish(), h);

    expect(traceIdOf(hub.traceOf('c1'))).toBe(traceparent(1).split('-')[1]);
    expect(traceIdOf(hub.traceOf('c2'))).toBe(traceparent(2).split('-')[1]);
    expect(hub.traceOf('c3')).toBeUndefined();
    expect(traceIdOf(hub.traceOf('c4'))).toBe(traceparent(4).split('-')[1]);
    await expect.poll(() => hub.sizes().eventChains).toBe(0);
    hub.stop();
  });
});
