import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel, ContactUpdateKind, CustomerNotice, RoutingEvent } from '@switchboard/contracts';
import { actionText, callbackConfirmedText, positionText } from '@switchboard/ingest-kit';
import { createIngestTestBed, publishRoutingBatch, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { customerActionToProto } from '@switchboard/router-api';
import { createLogger } from '@switchboard/telemetry';
import { callContactId } from './call-mappers.js';
import { PhoneCallStore } from './call-store.js';
import { followPhoneExceptions } from './exception-follower.js';
import { NoticeCache } from './notice-cache.js';
import { callbackNumberRefusedText } from './phone-words.js';
import { TwilioRestStub } from './testing/twilio-stub.js';
import { ACCOUNT_SID, PUBLIC_URL, postTwilio, sid, startPhoneApp, voiceParams } from './test-support.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { createTwilioCalls } from './twilio-rest.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, isArray: (name, _p, _l, isAttribute) => !isAttribute && name !== 'Response' });
type Verb = Record<string, unknown> & { '#text'?: string };
const twiml = async (response: Response) => {
  expect(response.status).toBe(200);
  return (xml.parse(await response.text()) as { Response: Record<string, Verb[]> }).Response;
};

describe('the Twilio wait flow and the exceptions a caller hears', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  let calls: PhoneCallStore;
  let notices: NoticeCache;
  let followers: DurableConsumer[] = [];
  let stub: TwilioRestStub;
  let sequence = 0;

  beforeEach(async () => {
    bed = await createIngestTestBed('wait');
    calls = await PhoneCallStore.open(bed.bus.nc, { bucket: bed.scope.stream('calls') });
    notices = new NoticeCache();
    ({ app, url } = await startPhoneApp(bed, { calls, notices, defaultLanguage: 'zh' }));
    stub = new TwilioRestStub();
    await stub.start();
  });
  afterEach(async () => {
    await Promise.all(followers.map((f) => f.stop()));
    followers = [];
    await app.close();
    await stub.stop();
    await bed.bus.jsm.streams.delete(`KV_${bed.scope.stream('calls')}`).catch(() => undefined);
    await bed.close();
  });

  const arrive = async (language = 'en', from = '+14155550100') => {
    const params: Record<string, string> = { ...voiceParams(), From: from };
    await twiml(await postTwilio(url, `${TWILIO_PATHS.voice}${language ? `?language=${language}` : ''}`, params));
    return { params, contactId: callContactId(bed.scope.domain, params.CallSid!) };
  };
  const wait = (callSid: string) => postTwilio(url, TWILIO_PATHS.wait, { CallSid: callSid, AccountSid: ACCOUNT_SID, QueuePosition: '1', QueueTime: '3' });
  const event = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
    id: `${bed.scope.domain}:${++sequence}`, domain: bed.scope.domain, sequence, occurredAt: new Date(), contactId, channel: Channel.CHANNEL_PHONE, ...body,
  });

  it('says "please hold" in the default language before a notice, then the newest notice\'s position in the contact\'s', async () => {
    const { params, contactId } = await arrive('');
    const first = await twiml(await wait(params.CallSid!));
    expect(first.Gather).toBeUndefined();
    expect(first.Say?.[0]?.['@language']).toBe('zh-CN');
    notices.put(CustomerNotice.fromPartial({ contactId, position: 4, estimatedWaitSeconds: 150, language: 'en-GB', at: new Date() }));
    const round = await twiml(await wait(params.CallSid!));
    expect(((round.Gather?.[0]?.Say ?? []) as Verb[]).map((s) => s['#text'])[0]).toBe(positionText('en', 4, 150));
  });

  it('press 1 from a number that is not E.164 is refused aloud and the caller waits on; another digit just waits on', async () => {
    const { params } = await arrive('en', 'anonymous');
    const refused = await twiml(await postTwilio(url, TWILIO_PATHS.callbackChoice, { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, From: 'anonymous', Digits: '1' }));
    expect(refused.Say?.[0]?.['#text']).toBe(callbackNumberRefusedText('en'));
    expect(refused.Redirect?.[0]?.['#text']).toBe(`${PUBLIC_URL}${TWILIO_PATHS.wait}`);
    const other = await twiml(await postTwilio(url, TWILIO_PATHS.callbackChoice, { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, From: 'anonymous', Digits: '7' }));
    expect(Object.keys(other)).toEqual(['Redirect']);
    expect((await bed.records()).filter((r) => r.record.update)).toEqual([]);
  });

  it('press 1 publishes CALLBACK_REQUESTED with the caller\'s number, and the hang-up after it is not an abandonment', async () => {
    const { params, contactId } = await arrive('en', '+8613800138000');
    const choice = { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, From: '+8613800138000', Digits: '1' };
    const confirmed = await twiml(await postTwilio(url, TWILIO_PATHS.callbackChoice, choice));
    expect(confirmed.Say?.[0]?.['#text']).toBe(callbackConfirmedText('en'));
    // Twilio's resend of the same request: the same answer, one record.
    await twiml(await postTwilio(url, TWILIO_PATHS.callbackChoice, choice));
    await twiml(await postTwilio(url, TWILIO_PATHS.status, { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, CallStatus: 'completed', CallDuration: '20' }));
    const updates = (await bed.records()).flatMap((r) => (r.record.update ? [r.record.update] : []));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED, callbackNumber: '+8613800138000', messageId: params.CallSid });
    expect(await calls.get(contactId)).toMatchObject({ callbackRequested: true, ended: true });
  });

  it('a rejected contact\'s action is pushed to the live call over REST; a waiting poll first leaves the queue for it', async () => {
    const { params, contactId } = await arrive('en');
    followers = await followPhoneExceptions({
      bus: bed.bus, domain: bed.scope.domain, logger: createLogger({ service: 'test', level: 'silent' }), publisher: bed.publisher, calls, notices,
      defaultLanguage: 'zh', twilio: { rest: createTwilioCalls({ accountSid: ACCOUNT_SID, authToken: 'x', apiBase: stub.url }), publicUrl: PUBLIC_URL },
    });
    const action = customerActionToProto({ kind: 'VOICEMAIL' });
    await publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, [event(contactId, { rejected: { reason: 'CLOSED', action } })]);
    await expect.poll(() => stub.of('update').length).toBe(1);
    const update = stub.of('update')[0]!;
    expect(update.callSid).toBe(params.CallSid);
    const pushed = (xml.parse(update.form.Twiml ?? '') as { Response: Record<string, Verb[]> }).Response;
    expect(pushed.Say?.[0]).toMatchObject({ '#text': actionText('en', 'CLOSED', { kind: 'VOICEMAIL' }), '@language': 'en-US' });
    expect(pushed.Record?.[0]).toMatchObject({ '@maxLength': '120', '@action': `${PUBLIC_URL}${TWILIO_PATHS.voicemail}` });
    // Had Twilio polled the wait URL first: leave the queue, and Enqueue's action plays the same TwiML.
    expect(Object.keys(await twiml(await wait(params.CallSid!)))).toEqual(['Leave']);
    const left = await postTwilio(url, TWILIO_PATHS.queueLeft, { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, QueueResult: 'leave' });
    expect(await left.text()).toBe(update.form.Twiml);
    // The caller leaves a voicemail: recorded on CONTACTS as a MESSAGE of the contact, with the recording.
    const recording = { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE1`, RecordingDuration: '14' };
    expect(Object.keys(await twiml(await postTwilio(url, TWILIO_PATHS.voicemail, recording)))).toEqual(['Hangup']);
    const message = (await bed.records()).map((r) => r.record.update).find((u) => u?.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE);
    expect(message?.attributes).toEqual(expect.arrayContaining([{ key: 'voicemail.recordingUrl', value: recording.RecordingUrl }, { key: 'voicemail.durationSeconds', value: '14' }]));
  });

  it('an expired contact\'s MESSAGE to a call that already ended is not sent; Twilio\'s refusal of a finished call is not retried', async () => {
    const gone = await arrive('en');
    await twiml(await postTwilio(url, TWILIO_PATHS.status, { CallSid: gone.params.CallSid!, AccountSid: ACCOUNT_SID, CallStatus: 'completed' }));
    expect(await calls.get(gone.contactId)).toMatchObject({ ended: true });
    const live = await arrive('zh');
    stub.failNext('update', 400, 21_220);
    followers = await followPhoneExceptions({
      bus: bed.bus, domain: bed.scope.domain, logger: createLogger({ service: 'test', level: 'silent' }), publisher: bed.publisher, calls, notices,
      defaultLanguage: 'zh', twilio: { rest: createTwilioCalls({ accountSid: ACCOUNT_SID, authToken: 'x', apiBase: stub.url }), publicUrl: PUBLIC_URL },
    });
    const expired = (contactId: string) => event(contactId, { expired: { reason: 'MAX_WAIT', waitSeconds: 900, action: customerActionToProto({ kind: 'MESSAGE' }) } });
    await publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, [expired(gone.contactId)], [expired(live.contactId)]);
    await expect.poll(() => stub.of('update').length).toBe(1);
    expect(stub.of('update')[0]?.callSid).toBe(live.params.CallSid);
    await new Promise((r) => setTimeout(r, 500));
    expect(stub.of('update')).toHaveLength(1);
  });
});
