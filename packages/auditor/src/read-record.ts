import type { JetStreamClient, JetStreamManager } from 'nats';
import { ContactRecord, RoutingEvent } from '@switchboard/contracts';
import { readSubject, streamSubjects, type BusNames } from '@switchboard/bus';
import type { AuditInput } from './audit.js';

/**
 * Gathers one domain's record: contacts accepted at ingest (CONTACTS), the routing events
 * (ROUTING), and agents' capacities from the `applied` SIGN_IN records the router relays.
 */
export async function readDomainRecord(js: JetStreamClient, jsm: JetStreamManager, names: BusNames, domain: string): Promise<Omit<AuditInput, 'expectAllFinished'>> {
  const accepted: string[] = [];
  const contacts = streamSubjects.contacts(names).replace(/>$/, `${domain}.>`);
  for await (const msg of readSubject(js, jsm, names.contactsStream, contacts)) {
    const record = ContactRecord.decode(msg.data);
    if (record.arrived) accepted.push(record.arrived.id);
  }
  const events: RoutingEvent[] = [];
  const capacity = new Map<string, Record<string, number>>();
  const routing = streamSubjects.routing(names).replace(/>$/, `${domain}.>`);
  for await (const msg of readSubject(js, jsm, names.routingStream, routing)) {
    if (msg.subject.endsWith('.applied')) {
      const applied = JSON.parse(new TextDecoder().decode(msg.data)) as { cmd?: { type?: string; agent?: { id: string; capacity: Record<string, number> } } };
      if (applied.cmd?.type === 'SIGN_IN' && applied.cmd.agent) capacity.set(applied.cmd.agent.id, applied.cmd.agent.capacity);
    } else {
      events.push(RoutingEvent.decode(msg.data));
    }
  }
  return { accepted: [...new Set(accepted)], events, capacity };
}
