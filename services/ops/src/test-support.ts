// Shared by this service's tests only (not exported by the package).
import { pino } from 'pino';
import { Channel, ContactRecord, RoutingBatch, RoutingEvent } from '@switchboard/contracts';
import { contactsSubject, ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH } from '@switchboard/router-api';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import { startOps, type RunningOps } from './start-ops.js';

/** One test's ops on real NATS and Redis, with its own streams, subjects and keys. */
export interface OpsBed {
  readonly scope: TestScope;
  readonly names: BusNames;
  readonly nats: TestNats;
  readonly redis: TestRedis;
  readonly ops: RunningOps;
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsBed(label: string): Promise<OpsBed> {
  const scope = createTestScope(label);
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  const nats = await connectTestNats(scope);
  const redis = await connectTestRedis(scope);
  await ensureStreams(nats.jsm, names);
  const ops = await startOps({
    config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: scope.domain, natsUrl: nats.url, redisUrl: redis.url, traceTtlSeconds: 600 },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    names,
    keyPrefix: scope.redisPrefix,
  });
  return {
    scope, names, nats, redis, ops, url: `http://127.0.0.1:${ops.httpPort}`,
    close: async () => {
      await ops.stop();
      await nats.cleanup();
      await redis.cleanup();
    },
  };
}

/** Publishes a contact arrival to the bed's CONTACTS with a traceparent header. */
export async function publishArrival(bed: OpsBed, contactId: string, traceId: string): Promise<void> {
  const record = ContactRecord.fromPartial({ arrived: { id: contactId, domain: bed.scope.domain, channel: Channel.CHANNEL_CHAT, intent: 'billing',
    customer: { id: 'cust-secret-7', phoneNumber: '+8613800000000', tier: 1 }, receivedAt: new Date() } });
  await publishDurable(bed.nats.js, contactsSubject(bed.names, bed.scope.domain, 'chat'), ContactRecord.encode(record).finish(),
    { msgId: `arr-${contactId}`, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
}

let seq = 0;

/**
 * Publishes one router commit as the router's relay does: a RoutingBatch holding one command per
 * event (filled in from each partial), with the event-types header and the batch's msg id. The
 * commands' records are no-ops that still read as applied-command records.
 */
export async function publishBatch(bed: OpsBed, ...partials: Partial<RoutingEvent>[]): Promise<RoutingEvent[]> {
  const firstPosition = seq + 1;
  const events = partials.map((partial) => RoutingEvent.fromPartial({ id: `${bed.scope.domain}:${++seq}`, domain: bed.scope.domain, occurredAt: new Date(), sequence: seq,
    channel: Channel.CHANNEL_CHAT, queueId: 'general', ruleVersion: 'v1', arrivedAt: new Date(), enqueuedAt: new Date(), ...partial }));
  const batch = RoutingBatch.fromPartial({ domain: bed.scope.domain, epoch: 'test', firstPosition,
    commands: events.map((event) => ({ record: JSON.stringify({ n: event.sequence, cid: '', at: Date.now(), cmd: { type: 'NOOP' } }), events: [event] })) });
  await publishDurable(bed.nats.js, routingSubject(bed.names, bed.scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(),
    { msgId: batchMsgId(bed.scope.domain, batch.epoch, firstPosition), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) } });
  return events;
}

/** Publishes a routing event in a batch of its own. */
export async function publishEvent(bed: OpsBed, partial: Partial<RoutingEvent>): Promise<RoutingEvent> {
  const [event] = await publishBatch(bed, partial);
  return event!;
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
