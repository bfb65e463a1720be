import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestScope, connectTestNats, type TestNats, type TestScope } from '@switchboard/testkit';
import {
  consumeDurable,
  contactsSubject,
  ensureStreams,
  publishDurable,
  settle,
  PoisonMessageError,
  BusUnavailableError,
  type BusNames,
  type DurableConsumer,
} from './index.js';

const logger = pino({ level: 'silent' });
const encode = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('bus on real JetStream', () => {
  let scope: TestScope;
  let nats: TestNats;
  let names: BusNames;
  const consumers: DurableConsumer[] = [];

  beforeEach(async () => {
    scope = createTestScope('bus');
    nats = await connectTestNats(scope);
    names = {
      contactsStream: scope.stream('CONTACTS'),
      routingStream: scope.stream('ROUTING'),
      deadLetterStream: scope.stream('DEADLETTER'),
      subjectRoot: `t${scope.id}`,
    };
    await ensureStreams(nats.jsm, names);
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await nats.cleanup();
  });

  it('creates the streams with file storage and a dedup window of at least two minutes, idempotently', async () => {
    await ensureStreams(nats.jsm, names);
    const info = await nats.jsm.streams.info(names.contactsStream);
    expect(info.config.storage).toBe('file');
    expect(info.config.duplicate_window).toBeGreaterThanOrEqual(120 * 1e9);
    expect(info.config.subjects).toEqual([`${names.subjectRoot}.contacts.>`]);
  });

  it('deduplicates a retried publish by Nats-Msg-Id', async () => {
    const subject = contactsSubject(names, scope.domain, 'phone');
    const first = await publishDurable(nats.js, subject, encode('a'), { msgId: 'CA123', expectStream: names.contactsStream });
    const again = await publishDurable(nats.js, subject, encode('a'), { msgId: 'CA123', expectStream: names.contactsStream });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    expect((await nats.jsm.streams.info(names.contactsStream)).state.messages).toBe(1);
  });

  it('refuses to report success for a subject no stream captures', async () => {
    await expect(publishDurable(nats.js, `${names.subjectRoot}.nowhere`, encode('x'), { msgId: 'm1', timeoutMs: 500 }))
      .rejects.toBeInstanceOf(BusUnavailableError);
  });

  it('acks processed messages, retries failures and dead-letters poison', async () => {
    const subject = contactsSubject(names, scope.domain, 'chat');
    for (const body of ['ok', 'flaky', 'poison']) await publishDurable(nats.js, subject, encode(body), { msgId: body });
    const seen: string[] = [];
    let flakyFailures = 0;
    consumers.push(await consumeDurable({
      js: nats.js, jsm: nats.jsm, names, stream: names.contactsStream, durable: 'router', logger,
      ackWaitMs: 2_000, maxDeliver: 3,
      handle: async (msg) => {
        const body = decode(msg.data);
        if (body === 'poison') throw new PoisonMessageError('cannot decode');
        if (body === 'flaky' && flakyFailures++ === 0) return settle.retry(50);
        seen.push(body);
        return settle.ack;
      },
    }));
    await expect.poll(() => seen.sort(), { timeout: 10_000 }).toEqual(['flaky', 'ok']);
    await expect.poll(async () => (await nats.jsm.streams.info(names.deadLetterStream)).state.messages, { timeout: 10_000 }).toBe(1);
    const dead = await nats.jsm.streams.getMessage(names.deadLetterStream, { seq: 1 });
    expect(decode(dead.data)).toBe('poison');
    expect(dead.header.get('Sb-Dead-Letter-Reason')).toBe('cannot decode');
    await expect.poll(async () => (await nats.jsm.consumers.info(names.contactsStream, 'router')).num_ack_pending, { timeout: 5_000 }).toBe(0);
  });

  it('moves a durable to a new filter subject from where it had got to, and keeps delivering new messages', async () => {
    const oldSubject = contactsSubject(names, scope.domain, 'chat');
    const newSubject = contactsSubject(names, scope.domain, 'phone');
    const seen: string[] = [];
    const consume = (filterSubject: string) => consumeDurable({
      js: nats.js, jsm: nats.jsm, names, stream: names.contactsStream, durable: 'mover', filterSubject, logger,
      handle: async (msg) => { seen.push(decode(msg.data)); return settle.ack; },
    });
    const before = await consume(oldSubject);
    // Behind the consumer's position when it moves: not delivered, as if the new filter had always been its own.
    await publishDurable(nats.js, newSubject, encode('new-behind'), { msgId: 'n0' });
    await publishDurable(nats.js, oldSubject, encode('old-read'), { msgId: 'o1' });
    await expect.poll(() => seen).toEqual(['old-read']);
    await before.stop();
    await publishDurable(nats.js, newSubject, encode('new-while-down'), { msgId: 'n1' });

    consumers.push(await consume(newSubject));
    // Published while the moved consumer's pull waits: nats-server 2.9 never delivers this to a
    // durable whose filter was updated in place.
    await new Promise((r) => setTimeout(r, 300));
    await publishDurable(nats.js, newSubject, encode('new-after'), { msgId: 'n2' });
    await expect.poll(() => seen).toEqual(['old-read', 'new-while-down', 'new-after']);
    expect((await nats.jsm.consumers.info(names.contactsStream, 'mover')).config.filter_subject).toBe(newSubject);
  });

  it('updates a durable in place, keeping its deliver policy, when its filter is unchanged', async () => {
    const options = { js: nats.js, jsm: nats.jsm, names, stream: names.contactsStream, durable: 'steady', filterSubject: contactsSubject(names, scope.domain, 'chat'), logger,
      handle: async () => settle.ack };
    await (await consumeDurable(options)).stop();
    consumers.push(await consumeDurable({ ...options, maxDeliver: 9 }));
    expect((await nats.jsm.consumers.info(names.contactsStream, 'steady')).config).toMatchObject({ deliver_policy: 'all', max_deliver: 10 });
  });
});
