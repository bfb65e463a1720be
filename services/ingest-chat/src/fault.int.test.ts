import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectBus } from '@switchboard/bus';
import { createTestScope, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import type { NatsConnection } from 'nats';
import { createSession, FORM, openVisitor, startChatApp, type ChatTestApp } from './test-support.js';

describe('ingest-chat with NATS stopped', () => {
  let server: PrivateServer;
  let nc: NatsConnection;
  let t: ChatTestApp;

  beforeEach(async () => {
    server = await startPrivateNats();
    nc = await connectBus({ url: server.url, name: 'chat-fault-test' });
    t = await startChatApp(nc, createTestScope('chatfault'));
  });
  afterEach(async () => {
    await t.app.close();
    await nc.close();
    await server.destroy();
  });

  it('answers 503 (HTTP) and status 503 frames (WebSocket); the resend after NATS is back is stored once', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor = await openVisitor(t.url, sessionId, token);

    await server.kill();
    await expect.poll(() => t.bus.isConnected(), { timeout: 3_000 }).toBe(false);
    const created = await t.app.http.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(FORM) });
    expect(created.statusCode).toBe(503);
    expect(created.headers['retry-after']).toBe('2');
    visitor.send({ type: 'message', id: 'm1', text: 'anyone?' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 503, id: 'm1' });

    await server.restart();
    await expect.poll(() => t.bus.ready(), { timeout: 5_000 }).toBe(true);
    visitor.send({ type: 'message', id: 'm1', text: 'anyone?' });
    expect(await visitor.next()).toEqual({ type: 'ack', id: 'm1', duplicate: false });
    visitor.send({ type: 'message', id: 'm1', text: 'anyone?' });
    expect(await visitor.next()).toEqual({ type: 'ack', id: 'm1', duplicate: true });
    expect(await t.count()).toBe(1);
    expect((await t.records())[0]?.arrived?.summary).toBe('anyone?');
    await visitor.close();
  });
});
