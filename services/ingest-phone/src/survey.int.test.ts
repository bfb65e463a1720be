import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel, ContactUpdateKind, RoutingEvent } from '@switchboard/contracts';
import { createIngestTestBed, publishRoutingBatch, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { createLogger } from '@switchboard/telemetry';
import { callContactId } from './call-mappers.js';
import { PhoneCallStore } from './call-store.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signGenericRequest } from './generic-auth.js';
import { NoticeCache } from './notice-cache.js';
import { followPhoneSurveys } from './phone-survey.js';
import { createPlatformWebhook } from './platform-webhook.js';
import { ACCOUNT_SID, genericHeaders, postTwilio, startPhoneApp, voiceParams, WEBHOOK_SECRET } from './test-support.js';
import { TWILIO_PATHS } from './twilio-paths.js';

/**
 * The phone survey: a Twilio caller whose agent leg ended waits in short rounds until the survey
 * of its contact is known (SurveyOffered on ROUTING), then hears a one-digit <Gather>; the digit
 * is the contact's SURVEY_ANSWERED. A generic platform is sent a signed survey request and answers
 * with a `survey_answered` event.
 */
describe('phone surveys over TwiML and the generic webhook', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  let calls: PhoneCallStore;
  let follower: DurableConsumer | undefined;
  let platform: Server;
  const posted: { body: Record<string, unknown>; verified: boolean }[] = [];
  let sequence = 0;

  beforeEach(async () => {
    bed = await createIngestTestBed('survey');
    calls = await PhoneCallStore.open(bed.bus.nc, { bucket: bed.scope.stream('calls') });
    platform = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => { raw += c.toString('utf8'); });
      req.on('end', () => {
        const signature = signGenericRequest(WEBHOOK_SECRET, String(req.headers[TIMESTAMP_HEADER]), raw);
        posted.push({ body: JSON.parse(raw) as Record<string, unknown>, verified: req.headers[SIGNATURE_HEADER] === signature });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const webhook = createPlatformWebhook({ url: `http://127.0.0.1:${(platform.address() as { port: number }).port}/events`, secret: WEBHOOK_SECRET });
    ({ app, url } = await startPhoneApp(bed, { calls, notices: new NoticeCache(), defaultLanguage: 'zh', platform: webhook, webhookSecret: WEBHOOK_SECRET }));
    follower = await followPhoneSurveys({ bus: bed.bus, domain: bed.scope.domain, logger: createLogger({ service: 'test', level: 'silent' }), publisher: bed.publisher,
      calls, notices: new NoticeCache(), defaultLanguage: 'zh', platform: webhook });
  });
  afterEach(async () => {
    await follower?.stop();
    await app.close();
    await new Promise((resolve) => platform.close(resolve));
    await bed.bus.jsm.streams.delete(`KV_${bed.scope.stream('calls')}`).catch(() => undefined);
    await bed.close();
  });

  const offered = (contactId: string, text = '') => publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, [RoutingEvent.fromPartial({
    id: `${bed.scope.domain}:${++sequence}`, domain: bed.scope.domain, sequence, occurredAt: new Date(), contactId, channel: Channel.CHANNEL_PHONE,
    queueId: 'general', agentId: 'a1', surveyOffered: { expiresAt: new Date(Date.now() + 3_600_000), language: 'en', text },
  })]);
  const answers = async () => (await bed.records()).flatMap((r) => (r.record.update?.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_SURVEY_ANSWERED ? [r.record.update] : []));

  it('Twilio: waits for the survey after the agent leg, plays it as a <Gather>, asks again for a wrong key, and records the digit once', async () => {
    const params = voiceParams();
    await postTwilio(url, `${TWILIO_PATHS.voice}?language=en`, params);
    const contactId = callContactId(bed.scope.domain, params.CallSid!);
    const call = { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID };
    const left = await (await postTwilio(url, TWILIO_PATHS.queueLeft, { ...call, QueueResult: 'bridged' })).text();
    expect(left).toContain(`${TWILIO_PATHS.survey}</Redirect>`);
    // The agent has not completed yet: a short pause, then the next round.
    const waiting = await (await postTwilio(url, TWILIO_PATHS.survey, call)).text();
    expect(waiting).toMatch(/<Pause length="2"\/><Redirect method="POST">[^<]*\/twilio\/survey\?round=1<\/Redirect>/);
    await offered(contactId, 'Rate us from 1 to 5.');
    let gather = '';
    for (let i = 0; i < 200 && !gather.includes('<Gather'); i++) {
      gather = await (await postTwilio(url, TWILIO_PATHS.survey, call)).text();
      if (!gather.includes('<Gather')) await new Promise((r) => setTimeout(r, 25));
    }
    expect(gather).toContain('<Say language="en-US">Rate us from 1 to 5.</Say>');
    const again = await (await postTwilio(url, TWILIO_PATHS.surveyAnswer, { ...call, Digits: '9' })).text();
    expect(again).toContain(`${TWILIO_PATHS.surveyAnswer}?retry=1`);
    const thanks = await (await postTwilio(url, TWILIO_PATHS.surveyAnswer, { ...call, Digits: '2' })).text();
    expect(thanks).toContain('<Hangup/>');
    await postTwilio(url, TWILIO_PATHS.surveyAnswer, { ...call, Digits: '2' }); // Twilio's resend
    expect((await answers()).map((u) => [u.contactId, u.surveyScore])).toEqual([[contactId, 2]]);
    // Answered: the call is not asked again.
    expect(await (await postTwilio(url, TWILIO_PATHS.survey, call)).text()).toContain('<Hangup/>');
  });

  it('after the rounds without a survey (the queue has none) the call hangs up', async () => {
    const params = voiceParams();
    await postTwilio(url, TWILIO_PATHS.voice, params);
    const last = await (await postTwilio(url, `${TWILIO_PATHS.survey}?round=3`, { CallSid: params.CallSid!, AccountSid: ACCOUNT_SID })).text();
    expect(last).toContain('<Hangup/>');
  });

  it('generic platform: a signed survey request, and the survey_answered event back is the answer', async () => {
    const send = (body: unknown) => fetch(`${url}/v1/contacts`, { method: 'POST', headers: genericHeaders(JSON.stringify(body)), body: JSON.stringify(body) });
    const callId = `ari-${sequence + 100}-${Date.now()}`;
    expect((await send({ callId, callerNumber: '+8613800000000', ivr: { language: 'en' } })).status).toBe(202);
    const contactId = callContactId(bed.scope.domain, callId);
    await offered(contactId);
    for (let i = 0; i < 400 && posted.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(posted).toEqual([{ verified: true, body: { type: 'survey', contactId, callId, language: 'en-US', text: expect.stringMatching(/press a key from 1 to 5/), expiresAt: expect.any(String) } }]);
    const bad = await send({ callId, event: 'survey_answered', score: 6 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'score' });
    expect((await send({ callId, event: 'survey_answered', score: 5 })).status).toBe(202);
    expect((await answers()).map((u) => [u.contactId, u.surveyScore])).toEqual([[contactId, 5]]);
  });
});
