import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { Channel, RoutingEvent } from '@switchboard/contracts';
import { publishRoutingBatch } from '@switchboard/ingest-kit/testing';
import { ROUTING_BATCH } from '@switchboard/router-api';
import { createLogger } from '@switchboard/telemetry';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { LiveRates } from './live-rates.js';

describe('live rates read from ROUTING batches', () => {
  const scope = createTestScope('liverates');
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  let nats: TestNats;
  let rates: LiveRates;
  beforeAll(async () => {
    nats = await connectTestNats(scope);
    await ensureStreams(nats.jsm, names);
  });
  afterAll(async () => {
    rates?.stop();
    await nats?.cleanup();
  });

  const event = (domain: string, contactId: string, body: Partial<RoutingEvent>) =>
    RoutingEvent.fromPartial({ domain, contactId, queueId: 'q', channel: Channel.CHANNEL_CHAT, occurredAt: new Date(), ...body });

  it('folds in every event of every batch, of every domain, past one it cannot read', async () => {
    const [d1, d2] = [`${scope.domain}a`, `${scope.domain}b`];
    // Stored before the service starts: read back from the window's start.
    await publishRoutingBatch(nats.js, names, d1, [event(d1, 'c1', { offered: { reservationToken: 1 } })],
      [event(d1, 'c1', { accepted: { reservationToken: 1, waitSeconds: 4 } }), event(d1, 'c2', { abandoned: { fromState: 'QUEUED', waitSeconds: 9, reason: '' } })]);
    rates = new LiveRates();
    await rates.start(nats.js, names, createLogger({ service: 'qs-test', level: 'silent' }));
    await publishDurable(nats.js, routingSubject(names, d2, ROUTING_BATCH), new Uint8Array([0xff, 0xff]), { msgId: 'garbage' });
    await publishRoutingBatch(nats.js, names, d2, [event(d2, 'c3', { accepted: { reservationToken: 1, waitSeconds: 2 } })]);
    await expect.poll(() => rates.rates(d2, 'q', 20).asaSeconds).toBe(2);
    expect(rates.rates(d1, 'q', 20)).toMatchObject({ asaSeconds: 4, abandonRate: 0.5 });
    expect(rates.held(d1, 'c1')).toMatchObject({ channel: 'chat' });
  });
});
