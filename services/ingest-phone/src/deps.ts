import type { ContactPublisher, CustomerLanguage, HttpTimeouts, RateLimitOptions, ReplayGuard, TrustProxy } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { PhoneCallStore } from './call-store.js';
import type { NoticeCache } from './notice-cache.js';
import type { PlatformWebhook } from './platform-webhook.js';
import type { TwilioCalls } from './twilio-rest.js';

/** Twilio settings; without them the Twilio routes are not mounted. */
export interface TwilioSettings {
  /** `TWILIO_AUTH_TOKEN`: the key of `X-Twilio-Signature`. */
  readonly authToken: string;
  /** `PUBLIC_URL`: scheme, host and optional port Twilio calls, e.g. `https://phone.example.com`. */
  readonly publicUrl: string;
  /**
   * `TWILIO_WAIT_URL`: an operator's own wait TwiML instead of `<PUBLIC_URL>/twilio/wait` (the
   * caller then hears neither position nor callback offer).
   */
  readonly waitUrl?: string;
  /** `TWILIO_HOLD_MUSIC_URL`: played in each wait round; without it, a pause. */
  readonly holdMusicUrl?: string;
  /** `TWILIO_WAIT_PAUSE_SECONDS` (default 60, the announcers' default cadence): the pause of a wait round without music. */
  readonly pauseSeconds?: number;
  /** The REST client (`TWILIO_ACCOUNT_SID`); without it exceptions reach callers only through the wait URL and nothing is dialled. */
  readonly rest?: TwilioCalls;
  /** `TWILIO_CALLER_ID`: the E.164 number (one of the account's) callbacks are dialled from. */
  readonly callerId?: string;
  /** `PHONE_SURVEY_WAIT_SECONDS` (default 6, 0 = none): how long a caller whose agent hung up waits for the survey to be known. */
  readonly surveyWaitSeconds?: number;
}

/** Everything the phone app needs, injected so tests build it against their own NATS. */
export interface PhoneAppDeps {
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  readonly readiness: () => Promise<boolean>;
  /** Routing domain contacts are published to. */
  readonly domain: string;
  /** `PHONE_WEBHOOK_SECRET`: without it `POST /v1/contacts` is not mounted. */
  readonly webhookSecret?: string;
  readonly twilio?: TwilioSettings;
  /** Every call's number, language and state, shared by the replicas (JetStream KV `phone_calls`). */
  readonly calls: PhoneCallStore;
  /** The newest position notice per waiting contact, this replica's own copy. */
  readonly notices: NoticeCache;
  /** `PHONE_DEFAULT_LANGUAGE` (default zh): what callers without a language hear. */
  readonly defaultLanguage?: CustomerLanguage;
  /** `PHONE_PLATFORM_WEBHOOK_URL`: where the generic platform hears dial requests, positions and exceptions. */
  readonly platform?: PlatformWebhook;
  /** Clock for `receivedAt`; tests pin it. */
  readonly now?: () => Date;
  readonly bodyLimitBytes?: number;
  /** Limits per authenticated source (the credential, the Twilio account) and per address for the rest. */
  readonly rateLimit?: RateLimitOptions | false;
  readonly timeouts?: Partial<HttpTimeouts>;
  /** `INGEST_TRUST_PROXY`: which X-Forwarded-For hops name the client address (per-address limits). */
  readonly trustProxy?: TrustProxy;
  /** Timestamp window and memory of handled signatures (generic HMAC and Twilio). */
  readonly replayGuard: ReplayGuard;
}
