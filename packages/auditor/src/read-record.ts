import type { JetStreamClient, JetStreamManager } from 'nats';
import { ContactRecord, RoutingEvent } from '@switchboard/contracts';
import { readSubject, streamSubjects, type BusNames } from '@switchboard/bus';
import { APPLIED_EVENT, decodeApplied, isSignIn } from '@switchboard/router-api';
import type { AuditInput } from './audit.js';

/**
 * Gathers one domain's record: contacts accepted at ingest (CONTACTS) and when, the routing events
 * (ROUTING), agents' capacities from the `applied` SIGN_IN records the router relays, and, when
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
  const events: { seq: number; event: RoutingEvent }[] = [];
  const capacity = new Map<string, Record<string, number>>();
  const routing = streamSubjects.routing(names).replace(/>$/, `${domain}.>`);
  for await (const msg of readSubject(js, jsm, names.routingStream, routing)) {
    if (msg.subject.endsWith(`.${APPLIED_EVENT}`)) {
      const applied = decodeApplied(new TextDecoder().decode(msg.data));
      if (isSignIn(applied)) capacity.set(applied.cmd.agent.id, applied.cmd.agent.capacity);
    } else {
      events.push({ seq: msg.seq, event: RoutingEvent.decode(msg.data) });
    }
  }
  // Read after the record: messages dropped while it was read (just ahead of the reader, the
  // oldest are the next to go) leave holes, so the events before the stream's first message now
  // are set aside too, and the record is a whole suffix of the history. Capacities read from them stay.
  const start = await routingStart(jsm, names.routingStream);
  return {
    accepted: [...new Set(accepted)], acceptedAtMs, capacity,
    events: events.filter(({ seq }) => start === undefined || seq >= start.seq).map(({ event }) => event),
    ...(start === undefined ? {} : { recordStartMs: start.atMs }),
  };
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
