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
});
