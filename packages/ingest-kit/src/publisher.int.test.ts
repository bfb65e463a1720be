import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { BusUnavailableError, Headers, type BusNames } from '@switchboard/bus';
import { Channel, Contact, ContactRecord, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
import { connectTestNats, createTestScope, startPrivateNats, type TestNats, type TestScope } from '@switchboard/testkit';
import { connectIngestBus, createIngestBus, type IngestBus } from './bus-link.js';
import { deterministicContactId } from './contact-id.js';
import { createContactPublisher } from './publisher.js';

function namesFor(scope: TestScope): BusNames {
  return { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
}

describe('contact publisher on real JetStream', () => {
  let scope: TestScope;
  let nats: TestNats;
  let bus: IngestBus;
  beforeEach(async () => {
    scope = createTestScope('kitpub');
    nats = await connectTestNats(scope);
    bus = await connectIngestBus({ url: nats.url, name: 'kit-test', names: namesFor(scope) });
  });
  afterEach(async () => {
    await bus.close();
    await nats.cleanup();
  });

  it('publishes arrivals and updates as ContactRecord, deduplicated by the channel key', async () => {
    const publisher = createContactPublisher(bus);
    const id = deterministicContactId(scope.domain, Channel.CHANNEL_PHONE, 'CA1');
    const contact = Contact.fromPartial({ id, domain: scope.domain, channel: Channel.CHANNEL_PHONE });
    const first = await publisher.publishContact(contact, 'CA1');
    const retry = await publisher.publishContact(contact, 'CA1');
    expect(retry).toMatchObject({ duplicate: true, seq: first.seq });
    const update = ContactUpdate.fromPartial({ contactId: id, domain: scope.domain, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
    await publisher.publishContactUpdate(update, 'CA1');
    const stored = await nats.jsm.streams.getMessage(bus.names.contactsStream, { seq: 1 });
    expect(stored.subject).toBe(`t${scope.id}.contacts.${scope.domain}.phone`);
    expect(stored.header.get(Headers.msgId)).toBe(`${scope.domain}/phone/CA1`);
    expect(ContactRecord.decode(stored.data).arrived?.id).toBe(id);
    const second = await nats.jsm.streams.getMessage(bus.names.contactsStream, { seq: 2 });
    expect(ContactRecord.decode(second.data).update?.kind).toBe(ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED);
    expect(await bus.ready()).toBe(true);
  });
});

describe('contact publisher through a NATS outage', () => {
  it('fails fast while NATS is down, and publishes again once it is back', async () => {
    const server = await startPrivateNats();
    const scope = createTestScope('kitout');
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const bus = await createIngestBus(nc, namesFor(scope));
      const { ensureStreams } = await import('@switchboard/bus');
      await ensureStreams(bus.jsm, bus.names);
      const publisher = createContactPublisher(bus, { timeoutMs: 1_000 });
      const contact = Contact.fromPartial({ id: 'X', domain: scope.domain, channel: Channel.CHANNEL_EMAIL });
      await server.kill();
      await expect.poll(() => bus.isConnected(), { timeout: 5_000 }).toBe(false);
      expect(await bus.ready()).toBe(false);
      await expect(publisher.publishContact(contact, '<m@x>')).rejects.toBeInstanceOf(BusUnavailableError);
      await server.restart();
      await expect.poll(() => bus.ready(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => publisher.publishContact(contact, '<m@x>').then((p) => p.seq, () => 0), { timeout: 10_000 }).toBe(1);
    } finally {
      await nc.close();
      await server.destroy();
    }
  });
});
