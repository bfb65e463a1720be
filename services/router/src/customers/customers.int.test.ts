import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { routingEventsOf } from '@switchboard/router-api';
import { IDENTIFIER_KINDS } from '@switchboard/state';
import { RouterHarness, testRules } from '../testing/router-harness.js';

/** The router with customer identity on: resolution before routing, and nothing of a contact lost while it waits. */
describe('router with customers across channels', () => {
  let h: RouterHarness;
  beforeAll(async () => {
    h = await RouterHarness.create(testRules(), 'customers');
  });
  afterAll(() => h.close());

  it('ends a caller who hung up in the same delivery as the call, after the call\'s customer is resolved', async () => {
    // Both wait on CONTACTS before the router starts: one delivery holds the arrival and the hang-up.
    await h.publishContact({ id: 'k1', phone: '+8613800000001' });
    await h.publishUpdate('k1', ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED);
    await h.publishContact({ id: 'k2', phone: '+8613800000001' });
    await h.startRouter({ customers: { secret: 'a-test-secret-of-32-characters!!', rules: new Set(IDENTIFIER_KINDS) } });
    await h.settled();
    const { state } = await h.nats.jsm.streams.info(h.names.routingStream);
    const events = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const m = await h.nats.jsm.streams.getMessage(h.names.routingStream, { seq }).catch(() => undefined);
      if (m) events.push(...routingEventsOf(m.data));
    }
    const k1 = events.filter((e) => e.contactId === 'k1');
    expect(k1.map((e) => (e.customerIdentified ? 'identified' : e.queued ? 'queued' : e.abandoned ? 'abandoned' : 'other'))).toEqual(['identified', 'queued', 'abandoned']);
    const k2 = events.find((e) => e.contactId === 'k2' && e.customerIdentified);
    expect(k2?.customerIdentified?.customerKey).toBe(k1[0]!.customerIdentified!.customerKey);
    expect((await h.client.query({ query: 'contact', contactId: 'k1' })).ok).toBe(false);
  });
});
