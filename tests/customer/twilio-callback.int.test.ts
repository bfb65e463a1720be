import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { connect, type NatsConnection } from 'nats';
import twilio from 'twilio';
import type { Offer, RoutingEvent } from '@switchboard/contracts';
import { callbackConfirmedText, callbackOfferText, createContactPublisher, createIngestBus } from '@switchboard/ingest-kit';
import { startPhoneIngest, TWILIO_PATHS } from '@switchboard/ingest-phone';
import { TwilioRestStub } from '@switchboard/ingest-phone/testing';
import type { RouterClient } from '@switchboard/router-api';
import { freePort, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { createLogger } from '@switchboard/telemetry';
import { Desk } from '../agents/support/desk.js';
import { agent, agentRules } from '../agents/support/fixtures.js';
import { Mesh, until } from '../agents/support/mesh.js';

const AUTH_TOKEN = `tok-${randomBytes(16).toString('hex')}`;
const PUBLIC_URL = 'https://phone.switchboard.test';
const ACCOUNT = `AC${randomBytes(16).toString('hex')}`;
const CALLER_ID = '+14155550000';

/** TwiML as Twilio reads it: a real XML parser, every verb an array so order and count are checked. */
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, isArray: (name, _path, _leaf, isAttribute) => !isAttribute && name !== 'Response' });
type Verb = Record<string, unknown> & { '#text'?: string };
const twimlOf = (text: string) => (xml.parse(text) as { Response: Record<string, Verb[]> }).Response;
const textOf = (verb: Verb | string | undefined) => (typeof verb === 'string' ? verb : verb?.['#text'] ?? '');

/**
 * A Twilio caller hears their position and wait, is offered a callback, presses 1 and hangs up;
 * the callback keeps its place: an agent who signs in later is offered the contacts in arrival
 * order, the callback among them, and accepting it dials the caller through Twilio's REST API
 * (a local stub recording the requests). Real router, queue-service (its announcer) and agent
 * gateway; ingest-phone in this process with its production wiring (startPhoneIngest).
 */
describe('a Twilio caller keeps their place with a callback', () => {
  let nats: PrivateServer;
  let mesh: Mesh;
  let router: RouterClient;
  let ingestNc: NatsConnection;
  let phone: Awaited<ReturnType<typeof startPhoneIngest>>;
  let base = '';
  const stub = new TwilioRestStub();

  beforeAll(async () => {
    nats = await startPrivateNats();
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], wrapUpSeconds: 0, offerTimeoutSeconds: 20, announceEverySeconds: 10, callback: { maxAttempts: 3, retryAfterSeconds: 1 } };
    mesh = await Mesh.start({ rules, agents: [{ ...agent('p1'), languages: ['en'], capacity: { phone: 1, chat: 1 } }], privateNatsUrl: nats.url, announceTickMs: 200 });
    router = mesh.routerClient();
    const apiBase = await stub.start();
    ingestNc = await connect({ servers: nats.url });
    const bus = await createIngestBus(ingestNc, mesh.names);
    const port = await freePort();
    phone = await startPhoneIngest({
      config: { natsUrl: nats.url, domain: mesh.domain, host: '127.0.0.1', ports: { http: port } },
      env: {
        TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_CALLER_ID: CALLER_ID, TWILIO_API_BASE: apiBase,
        PHONE_DEFAULT_LANGUAGE: 'en', INGEST_RATE_LIMIT_MAX: '100000',
      },
      logger: createLogger({ service: 'ingest-phone-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      bus,
      publisher: createContactPublisher(bus),
    });
    base = `http://127.0.0.1:${port}`;
  }, 90_000);
  afterAll(async () => {
    await phone?.close();
    await ingestNc?.close();
    await stub.stop();
    await mesh?.close();
    await nats?.destroy();
  });

  /** Posts a form as Twilio does, signed over PUBLIC_URL + the path by the twilio package. */
  const post = async (path: string, params: Record<string, string>) => {
    const response = await fetch(base + path, { method: 'POST', body: new URLSearchParams(params).toString(), headers: {
      'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params) } });
    expect(response.status).toBe(200);
    return twimlOf(await response.text());
  };
  /** A caller: a fresh CallSid and their number. */
  const call = (from: string) => ({ sid: `CA${randomBytes(16).toString('hex')}`, from });
  const arrive = (c: { sid: string; from: string }) =>
    post(`${TWILIO_PATHS.voice}?language=en`, { CallSid: c.sid, AccountSid: ACCOUNT, From: c.from, To: '+14155550199', CallStatus: 'ringing', Direction: 'inbound' });
  const wait = (c: { sid: string; from: string }) =>
    post(TWILIO_PATHS.wait, { CallSid: c.sid, AccountSid: ACCOUNT, From: c.from, QueuePosition: '1', QueueTime: '5', CurrentQueueSize: '3' });
  const routing = async (type: keyof RoutingEvent, contactId: string) => (await mesh.routingEvents()).filter((e) => e.contactId === contactId && e[type] !== undefined);
  const contactsBySid = new Map<string, string>();

  /** The caller's first wait round that says their position (the announcer's first notice reached the phone service). */
  const heardPosition = (c: { sid: string; from: string }, position: number) => until(`${c.from} hears position ${position}`, async () => {
    const round = await wait(c);
    const gather = round.Gather?.[0];
    const says = (gather?.Say ?? []) as Verb[];
    return says.length === 2 && textOf(says[0]).includes(`number ${position} `) ? { round, gather: gather!, says } : undefined;
  }, 15_000);

  let desk: Desk;
  const taken = new Set<string>();
  /** The next offer the desk has not seen yet. */
  const nextOffer = () => until('a new offer', () => desk.offers().find((o) => !taken.has(String(o.reservationToken) + o.contact!.id)), 15_000)
    .then((o) => { taken.add(String(o.reservationToken) + o.contact!.id); return o; });
  const acceptAndFinish = async (offer: Offer) => {
    await desk.accept(offer);
    await desk.complete(offer.contact!.id);
  };

  it('hears position and wait, presses 1, hangs up, and is called back in arrival order (A, B callback, C)', async () => {
    const [a, b, c] = [call('+14155550101'), call('+14155550102'), call('+14155550103')];
    for (const caller of [a, b, c]) {
      const hold = await arrive(caller);
      // The greeting, then the Twilio queue whose wait URL and leave action are this service's.
      expect(hold.Enqueue?.[0]?.['@waitUrl']).toBe(`${PUBLIC_URL}${TWILIO_PATHS.wait}`);
    }
    const events = await until('three callers queued', async () => {
      const queued = (await mesh.routingEvents()).filter((e) => e.queued);
      return queued.length >= 3 ? queued : undefined;
    });
    const [idA, idB, idC] = events.map((e) => e.contactId);
    contactsBySid.set(a.sid, idA!).set(b.sid, idB!).set(c.sid, idC!);

    // B hears: "You are number 2 ... about N minutes", then the callback offer, in a one-digit Gather to callback-choice.
    const { gather, says } = await heardPosition(b, 2);
    expect(gather['@numDigits']).toBe('1');
    expect(gather['@action']).toBe(`${PUBLIC_URL}${TWILIO_PATHS.callbackChoice}`);
    expect(says[0]?.['@language']).toBe('en-US');
    expect(textOf(says[0])).toMatch(/^You are number 2 in the queue\. The expected wait is about \d+ minutes?\.$/);
    expect(textOf(says[1])).toBe(callbackOfferText('en', 'press-1'));
    expect((gather.Pause as Verb[])[0]?.['@length']).toBe('60');

    // B presses 1: the callback is confirmed and the call hangs up; then Twilio's status callback says completed.
    const choice = await post(TWILIO_PATHS.callbackChoice, { CallSid: b.sid, AccountSid: ACCOUNT, From: b.from, Digits: '1' });
    expect(textOf(choice.Say?.[0])).toBe(callbackConfirmedText('en'));
    expect(choice.Hangup).toHaveLength(1);
    await until('CallbackRequested for B', async () => ((await routing('callbackRequested', idB!)).length === 1 ? true : undefined));
    expect((await routing('callbackRequested', idB!))[0]?.callbackRequested?.number).toBe(b.from);
    await post(TWILIO_PATHS.status, { CallSid: b.sid, AccountSid: ACCOUNT, CallStatus: 'completed', CallDuration: '31' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await routing('abandoned', idB!)).toEqual([]);
    const live = await router.query({ query: 'contact', contactId: idB! });
    expect(live.ok && (live['contact'] as { state: string }).state).toBe('QUEUED');

    // An agent signs in: offers come A, B (the callback), C.
    desk = await Desk.open(mesh, 'p1');
    await desk.signIn();
    await desk.connect();
    const first = await nextOffer();
    expect(first.contact!.id).toBe(idA);
    expect(stub.of('create')).toHaveLength(0);
    await acceptAndFinish(first);

    const second = await nextOffer();
    expect(second.contact!.id).toBe(idB);
    await desk.accept(second);
    // Accepting the callback dials B from the configured caller id, its answer URL connecting the agent.
    const dial = await until('calls.create for B', () => stub.of('create')[0]);
    expect(dial.user).toBe(ACCOUNT);
    expect(dial.form).toMatchObject({ To: b.from, From: CALLER_ID, Method: 'POST', StatusCallbackMethod: 'POST' });
    expect(dial.statusCallbackEvents).toEqual(['completed']);
    expect(dial.form.Url).toBe(`${PUBLIC_URL}${TWILIO_PATHS.callbackConnect}?contact=${idB}&agent=p1`);
    expect(dial.form.StatusCallback).toBe(`${PUBLIC_URL}${TWILIO_PATHS.callbackStatus}?contact=${idB}&attempt=1`);
    // B answers: a short line, then the agent's Twilio Client; B and the agent talk, B hangs up: the contact ends.
    const connect = await post(`${TWILIO_PATHS.callbackConnect}?contact=${idB}&agent=p1`, { CallSid: dial.callSid, AccountSid: ACCOUNT, CallStatus: 'in-progress' });
    expect(connect.Say).toHaveLength(1);
    expect(textOf((connect.Dial?.[0]?.Client as Verb[])[0])).toBe('p1');
    await post(`${TWILIO_PATHS.callbackStatus}?contact=${idB}&attempt=1`, { CallSid: dial.callSid, AccountSid: ACCOUNT, CallStatus: 'completed', CallDuration: '95' });
    await until('B completed', async () => ((await routing('completed', idB!)).length === 1 ? true : undefined));

    const third = await nextOffer();
    expect(third.contact!.id).toBe(idC);
    await acceptAndFinish(third);
    expect(stub.of('create')).toHaveLength(1);
  }, 90_000);

  it('a callback nobody answers is reported CALLBACK_FAILED and the engine dials again', async () => {
    const d = call('+14155550104');
    await arrive(d);
    const idD = await until('D queued', async () => (await mesh.routingEvents()).find((e) => e.queued && ![...contactsBySid.values()].includes(e.contactId))?.contactId);
    contactsBySid.set(d.sid, idD);
    // The agent is free: D is offered at once, and presses 1 while the offer rings (a callback may be asked for until accepted).
    const choice = await post(TWILIO_PATHS.callbackChoice, { CallSid: d.sid, AccountSid: ACCOUNT, From: d.from, Digits: '1' });
    expect(choice.Hangup).toHaveLength(1);
    await until('CallbackRequested for D', async () => ((await routing('callbackRequested', idD)).length === 1 ? true : undefined));
    await post(TWILIO_PATHS.status, { CallSid: d.sid, AccountSid: ACCOUNT, CallStatus: 'completed', CallDuration: '12' });

    const offer = await nextOffer();
    expect(offer.contact!.id).toBe(idD);
    const before = stub.of('create').length;
    await desk.accept(offer);
    const dial = await until('calls.create for D', () => stub.of('create')[before]);
    expect(dial.form.To).toBe(d.from);
    await post(`${TWILIO_PATHS.callbackStatus}?contact=${idD}&attempt=1`, { CallSid: dial.callSid, AccountSid: ACCOUNT, CallStatus: 'no-answer' });
    const failed = await until('CallbackFailed on ROUTING', async () => (await routing('callbackFailed', idD))[0]);
    expect(failed.callbackFailed).toMatchObject({ attempt: 1, reason: 'no-answer' });
    expect(failed.callbackFailed?.retryAt).toBeDefined();

    // The engine retries after the queue's delay: the callback is offered again and dialled once more.
    const again = await nextOffer();
    expect(again.contact!.id).toBe(idD);
    await desk.accept(again);
    const redial = await until('the second dial', () => stub.of('create')[before + 1]);
    expect(redial.form.To).toBe(d.from);
    expect(redial.form.StatusCallback).toBe(`${PUBLIC_URL}${TWILIO_PATHS.callbackStatus}?contact=${idD}&attempt=2`);
  }, 60_000);
});
