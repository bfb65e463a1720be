// Shared by this service's tests only (not exported by the package).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { createLogger } from '@switchboard/telemetry';
import type { IngestTestBed } from '@switchboard/ingest-kit/testing';
import { ReplayGuard } from '@switchboard/ingest-kit';
import { buildPhoneApp, type PhoneAppDeps } from './app.js';
import { PhoneCallStore } from './call-store.js';
import { NoticeCache } from './notice-cache.js';
import { signGenericRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './generic-auth.js';

export const AUTH_TOKEN = 'test-twilio-auth-token';
export const PUBLIC_URL = 'https://phone.switchboard.test';
export const WEBHOOK_SECRET = 'test-phone-webhook-secret';

/** A Twilio-shaped sid: prefix + 32 hex digits. */
export const sid = (prefix: 'CA' | 'AC' | 'RE') => prefix + randomBytes(16).toString('hex');
/** One account for tests that post several requests of a call. */
export const ACCOUNT_SID = sid('AC');

/** Starts the phone app on a free port against the test bed's streams. */
export async function startPhoneApp(bed: IngestTestBed, overrides: Partial<PhoneAppDeps> = {}): Promise<{ app: FastifyInstance; url: string }> {
  // A replay bucket of the test's own, deleted with the app.
  const bucket = bed.scope.stream('replay');
  const replayGuard = await ReplayGuard.open(bed.bus.nc, { bucket, isConnected: () => bed.bus.isConnected() });
  const callsBucket = bed.scope.stream('calls');
  const calls = await PhoneCallStore.open(bed.bus.nc, { bucket: callsBucket, isConnected: () => bed.bus.isConnected() });
  const app = await buildPhoneApp({
    replayGuard,
    calls,
    notices: new NoticeCache(),
    logger: createLogger({ service: 'ingest-phone-test', level: 'silent' }),
    publisher: bed.publisher,
    readiness: () => bed.bus.ready(),
    domain: bed.scope.domain,
    webhookSecret: WEBHOOK_SECRET,
    twilio: { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL },
    rateLimit: false,
    ...overrides,
  });
  app.addHook('onClose', async () => {
    for (const b of [bucket, callsBucket]) await bed.bus.jsm.streams.delete(`KV_${b}`).catch(() => undefined);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/** Headers of a generic webhook request signed now (or at `timestampSeconds`) with the test secret. */
export function genericHeaders(body: string, timestampSeconds = Math.floor(Date.now() / 1000), secret = WEBHOOK_SECRET): Record<string, string> {
  return { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestampSeconds), [SIGNATURE_HEADER]: signGenericRequest(secret, timestampSeconds, body) };
}

/** Posts a form the way Twilio does, signed by the twilio package's own helper. */
export function postTwilio(baseUrl: string, path: string, params: Record<string, string>, signature?: string): Promise<Response> {
  const sig = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params);
  return fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: new URLSearchParams(params).toString(),
  });
}

/** A new inbound call as Twilio's voice webhook describes it. */
export function voiceParams(callSid = sid('CA'), accountSid = sid('AC')): Record<string, string> {
  return { CallSid: callSid, AccountSid: accountSid, From: '+14155550100', To: '+14155550199', Caller: '+14155550100', CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' };
}
