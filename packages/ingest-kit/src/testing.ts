// Test helpers for ingestion services, exported as `@switchboard/ingest-kit/testing` so that
// production imports of the package never load the testkit.
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { ensureStreams, publishDurable, routingSubject, type BusNames, type Published } from '@switchboard/bus';
import { ContactRecord, RoutingBatch, type RoutingEvent } from '@switchboard/contracts';
import { batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH } from '@switchboard/router-api';
import { acquireNats, createTestScope, type ServerHandle, type TestScope } from '@switchboard/testkit';
import { createIngestBus, type IngestBus } from './bus-link.js';
import { createContactPublisher, type ContactPublisher } from './publisher.js';

/** One test's streams on a real NATS, with a publisher and ways to look at what was stored. */
export interface IngestTestBed {
  readonly scope: TestScope;
  readonly names: BusNames;
  readonly bus: IngestBus;
  readonly publisher: ContactPublisher;
  /** Messages stored in the scope's CONTACTS stream (0 when unreachable). */
  messageCount(): Promise<number>;
  /** Every stored record, oldest first, with its subject and Nats-Msg-Id. */
  records(): Promise<StoredRecord[]>;
  /** Deletes the scope's streams and closes the connection. */
  close(): Promise<void>;
}

/** A message of the CONTACTS stream, decoded. */
export interface StoredRecord {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly record: ContactRecord;
}

/** Options of {@link createIngestTestBed}. */
export interface IngestTestBedOptions {
  /** A server the test owns (`startPrivateNats()`), for outage tests; defaults to the shared one. */
  readonly server?: ServerHandle;
  /** Publish ack timeout (default 1 s, so outage tests stay fast). */
  readonly publishTimeoutMs?: number;
}

/** Scope names as the testkit README asks: unique streams and subject root per test. */
export function busNamesFor(scope: TestScope): BusNames {
  return {
    contactsStream: scope.stream('CONTACTS'),
    routingStream: scope.stream('ROUTING'),
    deadLetterStream: scope.stream('DEADLETTER'),
    subjectRoot: `t${scope.id}`,
  };
}

/** Creates the scope's streams and a publisher on a connection that reconnects quickly forever. */
export async function createIngestTestBed(label: string, options: IngestTestBedOptions = {}): Promise<IngestTestBed> {
  const scope = createTestScope(label);
  const names = busNamesFor(scope);
  const server = options.server ?? (await acquireNats());
  const nc: NatsConnection = await connect({ servers: server.url, name: `test-${scope.id}`, maxReconnectAttempts: -1, reconnectTimeWait: 100, reconnectJitter: 0 });
  const bus = await createIngestBus(nc, names);
  await ensureStreams(bus.jsm, names);
  const publisher = createContactPublisher(bus, { timeoutMs: options.publishTimeoutMs ?? 1_000 });
  const messageCount = async () => (await bus.jsm.streams.info(names.contactsStream)).state.messages;
  return {
    scope,
    names,
    bus,
    publisher,
    messageCount: () => messageCount().catch(() => 0),
    async records() {
      const out: StoredRecord[] = [];
      const total = await bus.jsm.streams.info(names.contactsStream).then((i) => i.state.last_seq);
      for (let seq = 1; seq <= total; seq++) {
        const msg = await bus.jsm.streams.getMessage(names.contactsStream, { seq }).catch(() => undefined);
        if (msg) out.push({ seq, subject: msg.subject, msgId: msg.header.get('Nats-Msg-Id') || undefined, record: ContactRecord.decode(msg.data) });
      }
      return out;
    },
    async close() {
      if (!nc.isClosed()) {
        for (const stream of [names.contactsStream, names.routingStream, names.deadLetterStream]) {
          await bus.jsm.streams.delete(stream).catch(() => undefined);
        }
      }
      await nc.close();
      if (!options.server) await server.stop();
    },
  };
}

/** Log positions of the batches published by {@link publishRoutingBatch}, unique in the process so msg ids never collide. */
let lastPosition = 0;

/**
 * Publishes one router commit to ROUTING as the router's outbox relay does: a RoutingBatch of
 * one command per element of `commands` (its events), with the event-types header and a batch
 * msg id. The commands' records are no-ops: followers of events never replay them.
 */
export async function publishRoutingBatch(js: JetStreamClient, names: BusNames, domain: string, ...commands: readonly RoutingEvent[][]): Promise<Published> {
  const firstPosition = lastPosition + 1;
  const batch = RoutingBatch.fromPartial({
    domain, epoch: 'test', firstPosition,
    commands: commands.map((events) => ({ record: JSON.stringify({ n: ++lastPosition, cid: '', at: Date.now(), cmd: { type: 'NOOP' } }), events })),
  });
  return publishDurable(js, routingSubject(names, domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(), {
    msgId: batchMsgId(domain, batch.epoch, firstPosition), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) },
  });
}
