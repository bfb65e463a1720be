import type { ContactPublisher, HttpTimeouts, RateLimitOptions, ReplayGuard, TrustProxy } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';

/** Twilio settings; without them the Twilio routes are not mounted. */
export interface TwilioSettings {
  /** `TWILIO_AUTH_TOKEN`: the key of `X-Twilio-Signature`. */
  readonly authToken: string;
  /** `PUBLIC_URL`: scheme, host and optional port Twilio calls, e.g. `https://phone.example.com`. */
  readonly publicUrl: string;
  /** `TWILIO_WAIT_URL`: TwiML Twilio plays while the caller waits (its default music without). */
  readonly waitUrl?: string;
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
