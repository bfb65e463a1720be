// Fuzzing ingest-chat with fast-check: more than 10,000 generated requests across the suite —
// pre-chat forms, WebSocket upgrades with junk ids and tokens, and frames over authenticated
// sockets (the validly authenticated malformed input). Every answer is a clear 4xx (HTTP or an
// error frame's status) or a success, never a 5xx (the bus is up throughout); /healthz answers
// after each property; CONTACTS holds only well-formed contacts of sessions that exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isContactId } from '@switchboard/ingest-kit';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { parseVisitorFrame } from './frames.js';
import { sessionToken } from './session-token.js';
import { createSession, FORM, openVisitor, SESSION_SECRET, startChatApp, type ChatTestApp, type Visitor } from './test-support.js';

const jsonish = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"x":1}}', '{"type":"message"}', '{"type":"message","id":"../x","text":"a"}',
    '{"type":"message","id":"a","text":"   "}', '{"type":"read"}', '{"type":"typing","extra":1}', `{"type":"message","id":"a","text":"${'x'.repeat(4001)}"}`,
    '['.repeat(10_000) + ']'.repeat(10_000)),
);
/** Frames of the right shape with random values: some valid (acked or rate limited), most not. */
const frameish = fc.oneof(
  fc.record({ type: fc.constantFrom('message', 'typing', 'read', 'other'), id: fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
    text: fc.oneof(fc.string({ maxLength: 50 }), fc.integer()), message_id: fc.string({ maxLength: 70 }) }, { requiredKeys: ['type'] }).map((f) => JSON.stringify(f)),
  jsonish.map((j) => (typeof j === 'string' ? j : JSON.stringify(j))),
);

describe('fuzzing ingest-chat', () => {
  let nats: TestNats;
  let t: ChatTestApp;
  let requests = 0;

  beforeAll(async () => {
    const scope = createTestScope('chatfuzz');
    nats = await connectTestNats(scope);
    // Forms all come from one address here; its allowance would only turn them into 429s.
    t = await startChatApp(nats.nc, scope, { limits: { sessionsPerAddress: 1_000_000 } });
  });
  afterAll(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  const healthy = async () => expect((await t.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

  it('POST /v1/sessions: malformed JSON and forms → 4xx naming a field', async () => {
    const field = fc.constantFrom('name', 'email', 'language', 'topic', 'page_url', 'department', 'identifier', 'identifier_hash', 'extra', '__proto__');
    const mutated = fc.record({ key: field, value: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 3000 })) })
      .map(({ key, value }) => JSON.stringify({ ...FORM, [key]: value }));
    await fc.assert(fc.asyncProperty(fc.oneof(jsonish.map((j) => (typeof j === 'string' ? j : JSON.stringify(j))), mutated),
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8'), async (body, type) => {
        requests++;
        const res = await t.app.http.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': type }, payload: body });
        // A mutation can leave a valid form (e.g. another valid name): 201 is right for those.
        if (res.statusCode === 201) return;
        expect(res.statusCode >= 400 && res.statusCode < 500, `status ${res.statusCode}`).toBe(true);
        if (res.statusCode === 400) expect(res.json()).toHaveProperty('field');
      }), { numRuns: 3_000 });
    await healthy();
  });

  it('GET /v1/sessions/:id/ws: junk ids and tokens, and tokens of other sessions → 401 before any upgrade', async () => {
    const id = fc.oneof(fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.stringMatching(/^cs_[A-Za-z0-9_-]{22}$/));
    const token = fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 60 }), fc.stringMatching(/^cs_[A-Za-z0-9_-]{22}$/).map((other) => sessionToken(SESSION_SECRET, other)));
    await fc.assert(fc.asyncProperty(id, fc.option(token), fc.constantFrom('query', 'bearer', 'protocol'), async (sessionId, tokenValue, where) => {
      requests++;
      const headers: Record<string, string> = { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      let url = `/v1/sessions/${sessionId}/ws`;
      if (tokenValue !== null) {
        if (where === 'query') url += `?token=${encodeURIComponent(tokenValue)}`;
        else if (where === 'bearer') headers.authorization = `Bearer ${tokenValue.replace(/[^\x21-\x7e]/g, '') || 'x'}`;
        else headers['sec-websocket-protocol'] = `sb-chat.v1, bearer.${tokenValue.replace(/[^A-Za-z0-9_-]/g, '') || 'x'}`;
      }
      const res = await t.app.http.inject({ method: 'GET', url, headers });
      expect([400, 401, 404], `status ${res.statusCode}`).toContain(res.statusCode);
    }), { numRuns: 2_000 });
    await healthy();
  });

  it('WebSocket: validly authenticated malformed frames get a 4xx error frame; the socket stays usable', async () => {
    const visitors: Visitor[] = [];
    for (let i = 0; i < 3; i++) {
      const { sessionId, token } = await createSession(t.url);
      visitors.push(await openVisitor(t.url, sessionId, token));
    }
    await fc.assert(fc.asyncProperty(frameish, fc.integer({ min: 0, max: 2 }), async (text, which) => {
      const visitor = visitors[which]!;
      const valid = isValidFrame(text);
      // A well-formed typing or read frame before the first message has no answer: nothing to route.
      fc.pre(!valid || JSON.parse(text).type === 'message');
      requests++;
      visitor.send(text);
      const reply = await visitor.next();
      if (reply.type === 'ack') {
        expect(valid).toBe(true);
        return;
      }
      if (reply.type !== 'error') throw new Error(`unexpected ${reply.type} frame`);
      expect(reply.status >= 400 && reply.status < 500, `status ${reply.status}`).toBe(true);
      if (!valid) expect(reply.status).toBe(400);
    }), { numRuns: 5_000 });
    const visitor = visitors[0]!;
    visitor.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 400 });
    for (const v of visitors) await v.close();
    await healthy();
  });

  it('stored only well-formed contacts and updates of real sessions, over more than 10,000 requests', async () => {
    for (const record of await t.records()) {
      const contactId = record.arrived?.id ?? record.update?.contactId ?? '';
      expect(isContactId(contactId)).toBe(true);
      expect(await t.sessions.sessionOfContact(contactId)).toBeTruthy();
      if (record.arrived) expect(record.arrived.summary.length).toBeLessThanOrEqual(200);
    }
    expect(requests).toBeGreaterThanOrEqual(10_000);
  });
});

function isValidFrame(text: string): boolean {
  try {
    parseVisitorFrame(text);
    return true;
  } catch {
    return false;
  }
}
