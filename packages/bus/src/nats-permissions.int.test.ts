import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsConnection } from 'nats';
import pino from 'pino';
import { CheckpointArchive } from './checkpoint-archive.js';
import { consumeDurable, settle } from './consumer.js';
import { agentSubject, chatSessionSubject, contactsSubject, routingSubject } from './names.js';
import { publishDurable } from './publisher.js';
import { ensureStreams } from './streams.js';
import { startLockedNats, type LockedNats, type LockedUser } from './testing/locked-nats.js';

const logger = pino({ level: 'silent' });

/**
 * Must show 2: each service's NATS user can publish only where its job needs. A private server
 * with the deployment's users; `admin` listens on every subject a test publishes to, so a message
 * the server refused is one that never arrived.
 */
describe('locked NATS: per-service users and subject permissions', () => {
  let nats: LockedNats;
  let admin: NatsConnection;
  const links = new Map<LockedUser, NatsConnection>();
  const as = async (user: LockedUser) => {
    let nc = links.get(user);
    if (!nc) links.set(user, nc = await nats.connect(user));
    return nc;
  };

  const delivered = (user: LockedUser, subject: string) => nats.delivers(user, subject);

  beforeAll(async () => {
    nats = await startLockedNats();
    admin = await nats.connect('admin');
    await ensureStreams(await admin.jetstreamManager(), nats.names);
  });
  afterAll(async () => {
    for (const nc of links.values()) await nc.close().catch(() => undefined);
    await admin?.close();
    await nats?.stop();
  });

  it('refuses a connection without credentials or with a wrong password', async () => {
    const { connectBus } = await import('./connection.js');
    await expect(connectBus({ url: nats.url, name: 'anonymous', env: {}, extra: { waitOnFirstConnect: false, maxReconnectAttempts: 0 } })).rejects.toThrow(/authorization/i);
    await expect(connectBus({ url: nats.url, name: 'wrong', env: { NATS_USER: 'router', NATS_PASSWORD: 'not-it' }, extra: { waitOnFirstConnect: false, maxReconnectAttempts: 0 } }))
      .rejects.toThrow(/authorization/i);
  });

  it("the ingest service's user cannot send router commands or publish on ROUTING or to desks, and can publish contacts", async () => {
    for (const user of ['ingest-phone', 'ingest-all'] as const) {
      expect(await delivered(user, 'sb.router.default.cmd'), user).toBe(false);
      expect(await delivered(user, 'sb.router.default.query'), user).toBe(false);
      expect(await delivered(user, routingSubject(nats.names, 'default', 'batch')), user).toBe(false);
      expect(await delivered(user, agentSubject(nats.names, 'default', 'a1')), user).toBe(false);
      expect(await delivered(user, contactsSubject(nats.names, 'default', 'phone')), user).toBe(true);
    }
    // A single-channel ingest publishes only its own channel's contacts.
    expect(await delivered('ingest-chat', contactsSubject(nats.names, 'default', 'phone'))).toBe(false);
    expect(await delivered('ingest-chat', contactsSubject(nats.names, 'default', 'chat'))).toBe(true);
    expect(await delivered('ingest-grpc', contactsSubject(nats.names, 'default', 'wechat'))).toBe(true);
  });

  it('only ingest-chat (and ingest-all) relay system frames to a chat session', async () => {
    const subject = chatSessionSubject(nats.names, 'default', 'cs_abc');
    expect(await delivered('ingest-chat', subject)).toBe(true);
    expect(await delivered('ingest-all', subject)).toBe(true);
    for (const user of ['ingest-phone', 'ingest-wechat', 'queue-service', 'agent-gateway'] as const) expect(await delivered(user, subject), user).toBe(false);
  });

  it("the gateway's user cannot publish to desks, on ROUTING or to CONTACTS; it sends router commands", async () => {
    expect(await delivered('agent-gateway', agentSubject(nats.names, 'default', 'a1'))).toBe(false);
    expect(await delivered('agent-gateway', routingSubject(nats.names, 'default', 'batch'))).toBe(false);
    expect(await delivered('agent-gateway', contactsSubject(nats.names, 'default', 'chat'))).toBe(false);
    expect(await delivered('agent-gateway', 'sb.router.default.cmd')).toBe(true);
    expect(await delivered('queue-service', 'sb.router.default.cmd')).toBe(true);
  });

  it('only the gateway and the queue service send router commands; ops only asks queries', async () => {
    for (const user of ['ops', 'router', 'ingest-email', 'ingest-grpc'] as const) expect(await delivered(user, 'sb.router.default.cmd'), user).toBe(false);
    expect(await delivered('ops', 'sb.router.default.query')).toBe(true);
  });

  it("the router's user publishes on ROUTING and to desks, and not to CONTACTS", async () => {
    expect(await delivered('router', routingSubject(nats.names, 'default', 'batch'))).toBe(true);
    expect(await delivered('router', agentSubject(nats.names, 'default', 'a1'))).toBe(true);
    expect(await delivered('router', contactsSubject(nats.names, 'default', 'phone'))).toBe(false);
    const js = (await as('router')).jetstream();
    const ack = await publishDurable(js, routingSubject(nats.names, 'default', 'batch'), new Uint8Array([1]), { msgId: 'r-1', expectStream: nats.names.routingStream });
    expect(ack.duplicate).toBe(false);
  });

  it('no service reads another user\'s replies or listens in on router commands', async () => {
    const nc = await nats.connect('ingest-chat');
    const refused = new Map<string, string>();
    const subjects = ['_INBOX.router.>', 'sb.router.*.cmd', 'sb.agent.>'];
    const subs = subjects.map((subject) => nc.subscribe(subject, { callback: (error) => { if (error) refused.set(subject, error.message); } }));
    await Promise.all(subs.map((sub) => sub.closed));
    for (const subject of subjects) expect(refused.get(subject), subject).toMatch(/permissions violation for subscription/i);
    await nc.close();
  });

  it('JetStream: nobody but the router updates streams, none purges or deletes the streams', async () => {
    const jsm = async (user: LockedUser) => (await as(user)).jetstreamManager({ timeout: 1_500 });
    for (const user of ['router', 'ingest-phone', 'ops', 'queue-service'] as const) {
      const m = await jsm(user);
      await expect(m.streams.purge(nats.names.contactsStream), `${user} purge`).rejects.toThrow();
      await expect(m.streams.delete(nats.names.routingStream), `${user} delete`).rejects.toThrow();
      await expect(m.streams.delete(nats.names.contactsStream), `${user} delete`).rejects.toThrow();
    }
    const info = await (await jsm('ops')).streams.info(nats.names.routingStream);
    await expect((await jsm('ingest-email')).streams.update(nats.names.routingStream, { ...info.config, max_msgs: 1 })).rejects.toThrow();
    await expect((await jsm('ops')).streams.update(nats.names.contactsStream, { max_msgs: 1 })).rejects.toThrow();
    await (await jsm('router')).streams.update(nats.names.routingStream, { description: 'updated by the router' });
    expect((await (await jsm('admin')).streams.info(nats.names.routingStream)).config.max_msgs).toBe(-1);
    // Back to the deployment's configuration (the router's ensureStreams updates what differs).
    await ensureStreams(await jsm('router'), nats.names);
  });

  it("each service's real JetStream work runs under its user: contacts in, the router consuming and archiving, KV, ops reading", async () => {
    const ingest = await as('ingest-email');
    await ensureStreams(await ingest.jetstreamManager(), nats.names);
    await publishDurable(ingest.jetstream(), contactsSubject(nats.names, 'default', 'email'), new TextEncoder().encode('c1'), { msgId: 'c1', expectStream: nats.names.contactsStream });
    const kv = await ingest.jetstream().views.kv('email_message_ids', { history: 1, ttl: 60_000, timeout: 2_000 });
    await kv.put('m1', new TextEncoder().encode('x'));
    expect(new TextDecoder().decode((await kv.get('m1'))!.value)).toBe('x');
    // The gateway has no KV bucket of its own: opening one is refused.
    await expect((await as('agent-gateway')).jetstream().views.kv('email_message_ids', { timeout: 1_500 })).rejects.toThrow();

    const router = await as('router');
    await ensureStreams(await router.jetstreamManager(), nats.names);
    const seen: string[] = [];
    const consumer = await consumeDurable({
      js: router.jetstream(), jsm: await router.jetstreamManager(), names: nats.names, stream: nats.names.contactsStream, durable: 'router-default', filterSubject: contactsSubject(nats.names, 'default', 'email'),
      logger, handle: async (msg) => { seen.push(new TextDecoder().decode(msg.data)); return settle.ack; },
    } as Parameters<typeof consumeDurable>[0]);
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();
    expect(seen).toEqual(['c1']);
    const archive = await CheckpointArchive.open(router.jetstream(), nats.names);
    const meta = { domain: 'default', position: 1, takenAtMs: 1, routingTailAfterSeq: 0, format: 1, epoch: 'e' };
    await archive.put(meta as never, new Uint8Array([1, 2, 3]));
    await archive.put({ ...meta, position: 2 } as never, new Uint8Array([4]));
    await archive.put({ ...meta, position: 3 } as never, new Uint8Array([5]));
    expect((await archive.list('default')).map((m) => m.position)).toEqual([3, 2]);

    const ops = await as('ops');
    const opsSeen: string[] = [];
    const opsConsumer = await consumeDurable({
      js: ops.jetstream(), jsm: await ops.jetstreamManager(), names: nats.names, stream: nats.names.contactsStream, durable: 'ops-default-contacts', filterSubject: contactsSubject(nats.names, 'default', 'email'),
      logger, handle: async (msg) => { opsSeen.push(new TextDecoder().decode(msg.data)); return settle.ack; },
    } as Parameters<typeof consumeDurable>[0]);
    for (let i = 0; i < 50 && opsSeen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await opsConsumer.stop();
    expect(opsSeen).toEqual(['c1']);
  });
});
