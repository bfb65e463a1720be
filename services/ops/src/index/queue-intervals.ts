import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Logger } from 'pino';
import { consumeDurable, routingSubject, settle, type BusNames, type DurableConsumer, type Settlement } from '@switchboard/bus';
import { ROUTING_BATCH, routingEventsOf } from '@switchboard/router-api';
import { tallyDeltaOf, type TallyDelta } from '@switchboard/routing-core';
import type { QueueIntervalStore } from '@switchboard/state';
import { coreEventFromProto } from '../mapping/core-event.mapper.js';

/** What the staffing recorder needs. */
export interface QueueIntervalRecorderDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly domain: string;
  readonly store: QueueIntervalStore;
  readonly logger: Logger;
}

/**
 * Fills the per-queue 15-minute workload buckets ({@link QueueIntervalStore}) from the domain's
 * ROUTING batches through its own durable consumer (`ops-<domain>-staffing`), acking a batch only
 * once Redis holds its counts. Its own durable rather than the trace indexer's: the index and the
 * buckets fail and retry apart. A new durable starts at the stream's beginning, so a first start
 * fills the history the stream still holds (the store drops what is past retention); the counts
 * then survive any ops restart in Redis.
 */
export async function startQueueIntervalRecorder(deps: QueueIntervalRecorderDeps): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'staffing-recorder' });
  return consumeDurable({
    js: deps.js, jsm: deps.jsm, names: deps.names, logger: log, ackWaitMs: 10_000, maxDeliver: 20,
    stream: deps.names.routingStream,
    durable: `ops-${deps.domain}-staffing`,
    filterSubject: routingSubject(deps.names, deps.domain, ROUTING_BATCH),
    handle: (msg) => recordBatch(msg, deps.store),
  });
}

async function recordBatch(msg: JsMsg, store: QueueIntervalStore): Promise<Settlement> {
  let deltas: TallyDelta[];
  try {
    deltas = routingEventsOf(msg.data).flatMap((proto) => {
      const event = coreEventFromProto(proto);
      const delta = event === undefined ? undefined : tallyDeltaOf(event);
      return delta === undefined ? [] : [delta];
    });
  } catch (error) {
    return settle.poison(`not a RoutingBatch: ${(error as Error).message}`);
  }
  await store.add(msg.info.streamSequence, deltas);
  return settle.ack;
}
