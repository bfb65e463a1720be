import type { JetStreamClient, JetStreamManager } from 'nats';
import { ContactRecord, type RoutingEvent } from '@switchboard/contracts';
import { readSubject, routingSubject, streamSubjects, type BusNames } from '@switchboard/bus';
import { isSignIn, readRoutingBatch, ROUTING_BATCH } from '@switchboard/router-api';
import type { AuditInput } from './audit.js';

/**
 * Gathers one domain's record: contacts accepted at ingest (CONTACTS) and when, the routing events
 * of the ROUTING batches, agents' capacities from the SIGN_IN records in those batches, and, when
 * ROUTING has dropped its oldest messages, where what it still holds begins.
 */
export async function readDomainRecord(js: JetStreamClient, jsm: JetStreamManager, names: BusNames, domain: string): Promise<Omit<AuditInput, 'expectAllFinished'>> {
  const accepted: string[] = [];
  const acceptedAtMs = new Map<string, number>();
  const contacts = streamSubjects.contacts(names).replace(/>$/, `${domain}.>`);
  for await (const msg of readSubject(js, jsm, names.contactsStream, contacts)) {
    const record = ContactRecord.decode(msg.data);
    if (record.arrived) {
      accepted.push(record.arrived.id);
      if (!acceptedAtMs.has(record.arrived.id)) acceptedAtMs.set(record.arrived.id, msg.info.timestampNanos / 1e6);
    }
  }
  const { events, capacity } = await readRouting(js, jsm, names, domain);
  // Read after the record: messages dropped while it was read (just ahead of the reader, the
  // oldest are the next to go) leave holes, so the events of batches before the stream's first
  // message now are set aside too (a batch is one message: its events go or stay together), and
  // the record is a whole suffix of the history. Capacities read from them stay.
  const start = await routingStart(jsm, names.routingStream);
  return {
    accepted: [...new Set(accepted)], acceptedAtMs, capacity,
    events: events.filter(({ seq }) => start === undefined || seq >= start.seq).map(({ event }) => event),
    ...(start === undefined ? {} : { recordStartMs: start.atMs }),
  };
}

/** The domain's ROUTING batches: each event with its batch's stream sequence, and capacities from SIGN_IN records. */
async function readRouting(js: JetStreamClient, jsm: JetStreamManager, names: BusNames, domain: string) {
  const events: { seq: number; event: RoutingEvent }[] = [];
  const capacity = new Map<string, Record<string, number>>();
  for await (const msg of readSubject(js, jsm, names.routingStream, routingSubject(names, domain, ROUTING_BATCH))) {
    const batch = readRoutingBatch(msg.data);
    for (const record of batch.records) if (isSignIn(record)) capacity.set(record.cmd.agent.id, record.cmd.agent.capacity);
    for (const event of batch.events) events.push({ seq: msg.seq, event });
  }
  return { events, capacity };
}

/**
 * ROUTING's first message (sequence and stream time) when messages before it were dropped
 * (first sequence past 1); undefined for a whole record.
 */
async function routingStart(jsm: JetStreamManager, stream: string): Promise<{ seq: number; atMs: number } | undefined> {
  const { state } = await jsm.streams.info(stream);
  if (state.first_seq <= 1) return undefined;
  // Emptied by age or purge: everything up to the last message is gone.
  return { seq: state.first_seq, atMs: state.messages > 0 ? Date.parse(state.first_ts) : Date.parse(state.last_ts) + 1 };
}
