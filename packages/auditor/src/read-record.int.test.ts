import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { Channel, RoutingBatch, RoutingEvent } from '@switchboard/contracts';
import { batchMsgId, encodeApplied, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH } from '@switchboard/router-api';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { readDomainRecord } from './read-record.js';

describe('the domain record read from ROUTING batches', () => {
  const scope = createTestScope('auditread');
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  const domain = scope.domain;
  let nats: TestNats;
  let position = 0;
  let sequence = 0;
  beforeAll(async () => {
    nats = await connectTestNats(scope);
    await ensureStreams(nats.jsm, names);
  });
  afterAll(async () => { await nats?.cleanup(); });

  const event = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
    id: `${domain}:${++sequence}`, domain, sequence, contactId, agentId: 'a1', queueId: 'q', channel: Channel.CHANNEL_PHONE, occurredAt: new Date(), ...body,
  });
  const noop = () => JSON.stringify({ n: ++position, cid: '', at: Date.now(), cmd: { type: 'NOOP' } });
  const signIn = (id: string, capacity: Record<string, number>) =>
    encodeApplied({ n: ++position, cid: '', at: Date.now(), cmd: { type: 'SIGN_IN', agent: { id, skills: {}, languages: [], team: 't', capacity, queues: [] } } });

  /** One commit's batch, published as the router's relay does; returns its stream sequence. */
  async function publishBatch(commands: { record: string; events: RoutingEvent[] }[]): Promise<number> {
    const batch = RoutingBatch.fromPartial({ domain, epoch: 'e1', firstPosition: position - commands.length + 1, commands });
    const published = await publishDurable(nats.js, routingSubject(names, domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(),
      { msgId: batchMsgId(domain, batch.epoch, batch.firstPosition), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) } });
    return published.seq;
  }

  it('takes capacities from SIGN_IN records and every event of every batch in order, and sets aside what ROUTING dropped', async () => {
    await publishBatch([{ record: signIn('a1', { phone: 1 }), events: [] }]);
    const queued = event('c1', { queued: { effectivePriority: 0, position: 0 } });
    const offered = event('c1', { offered: { reservationToken: 1 } });
    const accepted = event('c1', { accepted: { reservationToken: 1, waitSeconds: 1 } });
    await publishBatch([{ record: noop(), events: [queued, offered] }, { record: noop(), events: [accepted] }]);
    const whole = await readDomainRecord(nats.js, nats.jsm, names, domain);
    expect(whole.capacity).toEqual(new Map([['a1', { phone: 1 }]]));
    expect(whole.events.map((e) => e.id)).toEqual([queued.id, offered.id, accepted.id]);
    expect(whole.recordStartMs).toBeUndefined();

    const done = event('c1', { wrapUpEnded: { wrapUpSeconds: 1 } });
    const last = await publishBatch([{ record: noop(), events: [done] }]);
    // ROUTING full: its oldest batches, the sign-in among them, are dropped.
    await nats.jsm.streams.purge(names.routingStream, { seq: last });
    const suffix = await readDomainRecord(nats.js, nats.jsm, names, domain);
    expect(suffix.events.map((e) => e.id)).toEqual([done.id]);
    expect(suffix.capacity.size).toBe(0);
    expect(suffix.recordStartMs).toBeGreaterThan(0);
  });
});
