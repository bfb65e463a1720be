import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Logger } from 'pino';
import { ContactRecord, RoutingBatch, type RoutingEvent } from '@switchboard/contracts';
import { consumeDurable, Headers, routingSubject, settle, streamSubjects, type BusNames, type DurableConsumer, type Settlement } from '@switchboard/bus';
import { ROUTING_BATCH } from '@switchboard/router-api';
import type { QaReviewList } from '@switchboard/state';
import { indexQaReviews } from '../queries/qa-reviews.js';
import { redactContact } from './redact-contact.js';
import type { TraceStore } from './trace-store.js';

/** What the indexer needs. */
export interface IndexerDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly domain: string;
  readonly store: TraceStore;
  readonly logger: Logger;
  /** The QA review list the marks and scores on ROUTING keep up to date. */
  readonly reviews?: QaReviewList;
  /** Called for each indexed routing event (metrics: index lag). */
  readonly onIndexed?: (event: RoutingEvent) => void;
}

/** The running indexer; `stop()` ends both consumers. */
export interface Indexer {
  stop(): Promise<void>;
}

/** The trace id in a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`), or '' without one. */
export function traceIdOf(traceparent: string | undefined): string {
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/i.exec(traceparent?.trim() ?? '');
  return match?.[1]?.toLowerCase() ?? '';
}

/**
 * Indexes the domain's CONTACTS arrivals (redacted contact, trace id) and the events of its
 * ROUTING batches into the {@link TraceStore} through durable consumers (`ops-<domain>-contacts`,
 * `ops-<domain>-routing`), acking each message only once Redis holds it. Replicas of ops share
 * the durables.
 */
export async function startIndexer(deps: IndexerDeps): Promise<Indexer> {
  const log = deps.logger.child({ component: 'indexer' });
  const filter = (wildcard: string) => wildcard.replace(/>$/, `${deps.domain}.>`);
  const common = { js: deps.js, jsm: deps.jsm, names: deps.names, logger: log, ackWaitMs: 10_000, maxDeliver: 20 };
  const contacts = await consumeDurable({
    ...common,
    stream: deps.names.contactsStream,
    durable: `ops-${deps.domain}-contacts`,
    filterSubject: filter(streamSubjects.contacts(deps.names)),
    handle: (msg) => indexContact(msg, deps),
  });
  let routing: DurableConsumer;
  try {
    routing = await consumeDurable({
      ...common,
      stream: deps.names.routingStream,
      durable: `ops-${deps.domain}-routing`,
      filterSubject: routingSubject(deps.names, deps.domain, ROUTING_BATCH),
      handle: (msg) => indexRouting(msg, deps),
    });
  } catch (error) {
    await contacts.stop();
    throw error;
  }
  return { stop: async () => { await Promise.all([contacts.stop(), routing.stop()]); } };
}

async function indexContact(msg: JsMsg, deps: IndexerDeps): Promise<Settlement> {
  let record: ContactRecord;
  try {
    record = ContactRecord.decode(msg.data);
  } catch (error) {
    return settle.poison(`not a ContactRecord: ${(error as Error).message}`);
  }
  if (!record.arrived) return settle.ack; // updates show up as routing events (abandoned...)
  const traceId = traceIdOf(msg.headers?.get(Headers.traceparent));
  await deps.store.addContact(redactContact(record.arrived), traceId, Math.floor(msg.info.timestampNanos / 1e6));
  return settle.ack;
}

/** One batch: its contacts' events in one write (the commands' records are the router's log, not a contact's story). */
async function indexRouting(msg: JsMsg, deps: IndexerDeps): Promise<Settlement> {
  let batch: RoutingBatch;
  try {
    batch = RoutingBatch.decode(msg.data);
  } catch (error) {
    return settle.poison(`not a RoutingBatch: ${(error as Error).message}`);
  }
  const events = batch.commands.flatMap((c) => c.events);
  // Which command made each event: a supervisor's action on an agent joins the timelines of the contacts that same command moved.
  const commandOf = batch.commands.flatMap((c, i) => c.events.map(() => i));
  await deps.store.addBatch(msg.info.streamSequence, events, commandOf);
  if (deps.reviews) await indexQaReviews(deps.reviews, events);
  for (const event of events) deps.onIndexed?.(event);
  return settle.ack;
}
