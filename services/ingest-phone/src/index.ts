// The public surface of @switchboard/ingest-phone: its wiring, run by its own main and by ingest-all.
import type { DurableConsumer } from '@switchboard/bus';
import {
  httpTimeoutsFromEnv, optionalSecret, ReplayGuard, sourceLimitsFromEnv, trustProxyFromEnv, type IngestRuntime, type IngestServiceDefinition, type RunningService,
} from '@switchboard/ingest-kit';
import type { Subscription } from 'nats';
import { buildPhoneApp, type TwilioSettings } from './app.js';
import { followCallbackDialing } from './callback-dialer.js';
import { PhoneCallStore } from './call-store.js';
import { followPhoneExceptions } from './exception-follower.js';
import type { PhoneFollowerDeps } from './follower-deps.js';
import { NoticeCache } from './notice-cache.js';
import { followPhoneNotices } from './notice-followers.js';
import { followPhoneSurveys } from './phone-survey.js';
import { phoneWaitConfigFromEnv } from './phone-config.js';
import { createPlatformWebhook } from './platform-webhook.js';
import { createTwilioCalls } from './twilio-rest.js';

export { signGenericRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './generic-auth.js';
export { TWILIO_PATHS } from './twilio-paths.js';

/**
 * Builds the phone app from the environment (`TWILIO_AUTH_TOKEN` + `PUBLIC_URL`, `TWILIO_WAIT_URL`,
 * `TWILIO_ACCOUNT_SID`, `TWILIO_CALLER_ID`, `TWILIO_API_BASE`, `TWILIO_HOLD_MUSIC_URL`,
 * `TWILIO_WAIT_PAUSE_SECONDS`, `PHONE_DEFAULT_LANGUAGE`, `PHONE_WEBHOOK_SECRET`,
 * `PHONE_PLATFORM_WEBHOOK_URL`, the `INGEST_RATE_LIMIT_*`, `INGEST_HTTP_*_TIMEOUT_MS` and
 * `INGEST_TRUST_PROXY` settings), opens the call store (JetStream KV `phone_calls`), follows the
 * position notices and the routing events the caller must hear of (exceptions, callback dials),
 * and listens on `INGEST_PHONE_PORT`.
 */
export async function startPhoneIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http'>): Promise<RunningService> {
  const authToken = optionalSecret(env, 'TWILIO_AUTH_TOKEN');
  const publicUrl = optionalSecret(env, 'PUBLIC_URL');
  const waitUrl = optionalSecret(env, 'TWILIO_WAIT_URL');
  const webhookSecret = optionalSecret(env, 'PHONE_WEBHOOK_SECRET');
  const wait = phoneWaitConfigFromEnv(env);
  const limits = sourceLimitsFromEnv(env);
  const timeouts = httpTimeoutsFromEnv(env);
  const trustProxy = trustProxyFromEnv(env);
  const isConnected = () => bus.isConnected();
  const replayGuard = await ReplayGuard.open(bus.nc, { isConnected });
  const calls = await PhoneCallStore.open(bus.nc, { isConnected });
  const notices = new NoticeCache();
  const rest = authToken && wait.accountSid ? createTwilioCalls({ accountSid: wait.accountSid, authToken, ...(wait.apiBase ? { apiBase: wait.apiBase } : {}) }) : undefined;
  const platform = wait.platformUrl && webhookSecret ? createPlatformWebhook({ url: wait.platformUrl, secret: webhookSecret }) : undefined;
  const twilio: TwilioSettings | undefined = authToken && publicUrl ? {
    authToken, publicUrl,
    ...(waitUrl ? { waitUrl } : {}), ...(wait.holdMusicUrl ? { holdMusicUrl: wait.holdMusicUrl } : {}), ...(wait.pauseSeconds ? { pauseSeconds: wait.pauseSeconds } : {}),
    ...(rest ? { rest } : {}), ...(wait.callerId ? { callerId: wait.callerId } : {}),
    ...(wait.surveyWaitSeconds !== undefined ? { surveyWaitSeconds: wait.surveyWaitSeconds } : {}),
  } : undefined;
  if (waitUrl) logger.warn('TWILIO_WAIT_URL set: callers hear that TwiML, not their position or the callback offer');
  const app = await buildPhoneApp({
    logger, publisher, calls, notices, platform, defaultLanguage: wait.defaultLanguage,
    readiness: () => bus.ready(),
    domain: config.domain,
    replayGuard,
    rateLimit: { max: limits.perSource, maxPerAddress: limits.perAddress, timeWindowMs: limits.windowMs },
    timeouts,
    trustProxy,
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(twilio ? { twilio } : {}),
  });
  const followerDeps: PhoneFollowerDeps = {
    bus, domain: config.domain, logger, publisher, calls, notices, defaultLanguage: wait.defaultLanguage,
    ...(rest && publicUrl ? { twilio: { rest, publicUrl, ...(wait.callerId ? { callerId: wait.callerId } : {}) } } : {}),
    ...(platform ? { platform } : {}),
  };
  const consumers: DurableConsumer[] = [];
  const subscriptions: Subscription[] = [];
  const close = async () => {
    await app.close();
    for (const s of subscriptions) s.unsubscribe();
    await Promise.all(consumers.map((c) => c.stop()));
  };
  try {
    subscriptions.push(...followPhoneNotices(followerDeps));
    if (twilio || platform) consumers.push(...(await followPhoneExceptions(followerDeps)));
    if (twilio || platform) consumers.push(await followPhoneSurveys(followerDeps));
    if ((rest && wait.callerId && publicUrl) || platform) consumers.push(await followCallbackDialing(followerDeps));
    else logger.warn('no dialer (TWILIO_ACCOUNT_SID + TWILIO_CALLER_ID + PUBLIC_URL, or PHONE_PLATFORM_WEBHOOK_URL): callbacks are not dialled by this service');
    await app.listen({ host: config.host, port: config.ports.http });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { http: app, close };
}

/** ingest-phone: HTTP on `INGEST_PHONE_PORT` (7101). */
export const phoneIngestService: IngestServiceDefinition<'http'> = {
  service: 'ingest-phone',
  ports: { http: { env: 'INGEST_PHONE_PORT', default: 7101 } },
  secrets: ['PHONE_WEBHOOK_SECRET', 'TWILIO_AUTH_TOKEN'],
  start: startPhoneIngest,
};
