import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckPolicy } from 'nats';
import { pino } from 'pino';
import { publishDurable, routingSubject, type DurableConsumer } from '@switchboard/bus';
import { Channel, RoutingEvent } from '@switchboard/contracts';
import { EVENT_TYPES_HEADER, ROUTING_BATCH } from '@switchboard/router-api';
import { followRoutingEvents, OFFER_ACCEPTED_EVENT } from './routing-follower.js';
import { createIngestTestBed, publishRoutingBatch, type IngestTestBed } from './testing.js';

describe('followRoutingEvents on ROUTING batches', () => {
  let bed: IngestTestBed;
  let follower: DurableConsumer | undefined;
  let sequence = 0;
  const durable = 'follower-accepted';
  beforeEach(async () => { bed = await createIngestTestBed('follower'); });
  afterEach(async () => {
    await follower?.stop();
    follower = undefined;
    await bed.close();
  });

  const event = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
    id: `${bed.scope.domain}:${++sequence}`, domain: bed.scope.domain, sequence, occurredAt: new Date(), contactId, agentId: 'agent-1', channel: Channel.CHANNEL_CHAT, ...body,
  });
  const accepted = (contactId: string) => event(contactId, { accepted: { reservationToken: 1, waitSeconds: 1 } });
  const publish = (...commands: RoutingEvent[][]) => publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, ...commands);
  const follow = (handle: (event: RoutingEvent) => Promise<void>) => followRoutingEvents({
    bus: bed.bus, domain: bed.scope.domain, event: OFFER_ACCEPTED_EVENT, durable, logger: pino({ level: 'silent' }), handle,
  });
  const settled = async () => {
    const info = await bed.bus.jsm.consumers.info(bed.names.routingStream, durable);
    return info.num_pending + info.num_ack_pending;
  };
  const deadLettered = async () => (await bed.bus.jsm.streams.info(bed.names.deadLetterStream)).state.messages;

  it('hands over the events of its type in each batch, in order, also to a durable made before batches', async () => {
    // A deployment's durable as it was: filtered on the per-event subject.
    await bed.bus.jsm.consumers.add(bed.names.routingStream, {
      durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: routingSubject(bed.names, bed.scope.domain, OFFER_ACCEPTED_EVENT),
    });
    const seen: string[] = [];
    follower = await follow(async (e) => { seen.push(e.contactId); });
    await publish([event('c1', { queued: { effectivePriority: 0, position: 0 } }), event('c1', { offered: { reservationToken: 1 } })], [accepted('c1')]);
    await publish([accepted('c2'), event('c2', { declined: { reservationToken: 1, reason: 'busy' } }), accepted('c3')]);
    await expect.poll(() => seen).toEqual(['c1', 'c2', 'c3']);
    await expect.poll(settled).toBe(0);
    expect((await bed.bus.jsm.consumers.info(bed.names.routingStream, durable)).config.filter_subject)
      .toBe(routingSubject(bed.names, bed.scope.domain, ROUTING_BATCH));
  });

  it('acks a batch whose header names none of its type without decoding it, and dead-letters an undecodable one', async () => {
    const seen: string[] = [];
    follower = await follow(async (e) => { seen.push(e.contactId); });
    const subject = routingSubject(bed.names, bed.scope.domain, ROUTING_BATCH);
    const garbage = new Uint8Array([0xff, 0xff, 0xff]);
    await publishDurable(bed.bus.js, subject, garbage, { msgId: 'skipped', headers: { [EVENT_TYPES_HEADER]: 'ContactQueued ContactOffered' } });
    await publishDurable(bed.bus.js, subject, garbage, { msgId: 'undecodable' });
    await publish([accepted('after')]);
    await expect.poll(() => seen).toEqual(['after']);
    await expect.poll(settled).toBe(0);
    expect(await deadLettered()).toBe(1);
  });

  it('redelivers the whole batch when a handler throws, so events before the failure come again', async () => {
    const calls: string[] = [];
    let failed = false;
    follower = await follow(async (e) => {
      calls.push(e.contactId);
      if (e.contactId === 'flaky' && !failed) { failed = true; throw new Error('store down'); }
    });
    await publish([accepted('steady')], [accepted('flaky')]);
    await expect.poll(() => calls).toEqual(['steady', 'flaky', 'steady', 'flaky']);
    await expect.poll(settled).toBe(0);
    expect(await deadLettered()).toBe(0);
  });
});
