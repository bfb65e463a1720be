import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ContactUpdateKind, type ContactUpdate } from '@switchboard/contracts';
import type { ContactPublisher } from '@switchboard/ingest-kit';
import { AbandonmentWatch } from './abandonment.js';
import type { ChatSession, ChatSessionStore } from './session-store.js';

/** One session in memory, behind the two calls the watch makes. */
function fakeStore(initial: Partial<ChatSession>) {
  let session = { sessionId: 's1', contactId: 'c1', started: true, answered: false, ended: false, connectedAt: 0, ...initial } as ChatSession;
  const store = {
    get: async () => session,
    update: async (_id: string, change: (s: ChatSession) => ChatSession) => (session = change(session)),
  } as unknown as ChatSessionStore;
  return { store, current: () => session };
}

function watch(store: ChatSessionStore, published: ContactUpdate[]) {
  const publisher = { publishContactUpdate: async (update: ContactUpdate) => { published.push(update); return { duplicate: false }; } } as unknown as ContactPublisher;
  return new AbandonmentWatch({ sessions: store, publisher, domain: 'd', logger: pino({ level: 'silent' }), graceMs: 5, now: () => 1_000 });
}

describe('deciding that a chat visitor left', () => {
  it('a reload is no leaving even when its socket opened before the old one\'s close was noticed', async () => {
    // The new socket b opened at 100; the old socket a's close is handled at 200, after its queued frames.
    const { store } = fakeStore({ connectedAt: 100, connectionId: 'b' });
    const published: ContactUpdate[] = [];
    const w = watch(store, published);
    w.closed('s1', 200, 'a');
    await w.idle();
    expect(published).toEqual([]);
  });

  it('the close of the socket that opened last is the visitor leaving: abandoned once, the session ended', async () => {
    const { store, current } = fakeStore({ connectedAt: 100, connectionId: 'b' });
    const published: ContactUpdate[] = [];
    const w = watch(store, published);
    w.closed('s1', 200, 'b');
    await w.idle();
    w.closed('s1', 300, 'b');
    await w.idle();
    expect(published.map((u) => [u.contactId, u.kind])).toEqual([['c1', ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED]]);
    expect(current().ended).toBe(true);
  });
});
