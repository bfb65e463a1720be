import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { parseVisitorFrame } from './frames.js';
import { createSession, FORM, openVisitor, startChatApp, type ChatTestApp, type Visitor } from './test-support.js';

const jsonish = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"x":1}}', '{"type":"message"}', '{"type":"message","id":"../x","text":"a"}',
    '{"type":"message","id":"a","text":"   "}', '{"type":"read"}', '{"type":"typing","extra":1}', `{"type":"message","id":"a","text":"${'x'.repeat(4001)}"}`),
);

describe('fuzzing ingest-chat', () => {
  let nats: TestNats;
  let t: ChatTestApp;

  beforeAll(async () => {
    const scope = createTestScope('chatfuzz');
    nats = await connectTestNats(scope);
    t = await startChatApp(nats.nc, scope);
  });
  afterAll(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  it('POST /v1/sessions: malformed JSON and forms → 4xx naming a field; nothing published', async () => {
    const field = fc.constantFrom('name', 'email', 'language', 'topic', 'page_url', 'department', 'identifier', 'identifier_hash', 'extra');
    const mutated = fc.record({ key: field, value: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null), fc.constant(undefined)) })
      .map(({ key, value }) => JSON.stringify({ ...FORM, [key]: value }));
    await fc.assert(fc.asyncProperty(fc.oneof(jsonish.map((j) => (typeof j === 'string' ? j : JSON.stringify(j))), mutated), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (body, type) => {
      const res = await t.app.http.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': type }, payload: body });
      // A mutation can leave a valid form (e.g. another valid name): 201 is right for those.
      if (res.statusCode === 201) return;
      expect(res.statusCode >= 400 && res.statusCode < 500, `status ${res.statusCode}`).toBe(true);
      if (res.statusCode === 400) expect(res.json()).toHaveProperty('field');
    }), { numRuns: 100 });
    expect(await t.count()).toBe(0);
  });

  it('WebSocket: malformed frames get a 400 error frame, the socket stays usable, nothing published', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor: Visitor = await openVisitor(t.url, sessionId, token);
    await fc.assert(fc.asyncProperty(jsonish, async (frame) => {
      const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
      // A well-formed frame is legitimate, not junk: skip the rare generated one.
      if (isValidFrame(text)) return;
      visitor.send(text);
      const reply = await visitor.next();
      expect(reply).toMatchObject({ type: 'error', status: 400 });
    }), { numRuns: 100 });
    visitor.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 400 });
    // Still serving: a real message now works.
    visitor.send({ type: 'message', id: 'ok1', text: 'hello' });
    expect(await visitor.next()).toMatchObject({ type: 'ack', id: 'ok1' });
    expect(await t.count()).toBe(1);
    await visitor.close();
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
