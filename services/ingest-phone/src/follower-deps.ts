import type { ContactPublisher, CustomerLanguage, IngestBus } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { PhoneCallStore } from './call-store.js';
import type { NoticeCache } from './notice-cache.js';
import type { PlatformWebhook } from './platform-webhook.js';
import type { TwilioCalls } from './twilio-rest.js';

/**
 * A routing event older than this is history, not news: a durable created on a new deployment
 * reads ROUTING from its start, and no caller is still waiting for what happened then (nothing is
 * said, nothing dialled). Live events reach the followers within seconds.
 */
export const DEFAULT_MAX_EVENT_AGE_MS = 5 * 60_000;

/** What the phone channel's followers of ROUTING and of the position notices need. */
export interface PhoneFollowerDeps {
  readonly bus: IngestBus;
  readonly domain: string;
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  readonly calls: PhoneCallStore;
  readonly notices: NoticeCache;
  readonly defaultLanguage: CustomerLanguage;
  /** Twilio's REST client and where its webhooks reach us; absent without `TWILIO_ACCOUNT_SID`. */
  readonly twilio?: { readonly rest: TwilioCalls; readonly publicUrl: string; readonly callerId?: string };
  /** The generic platform's outbound webhook; absent without `PHONE_PLATFORM_WEBHOOK_URL`. */
  readonly platform?: PlatformWebhook;
  readonly now?: () => number;
  readonly maxEventAgeMs?: number;
}

/** Whether a routing event happened too long ago to act on (see {@link DEFAULT_MAX_EVENT_AGE_MS}). */
export function isHistory(deps: PhoneFollowerDeps, occurredAt: Date | undefined): boolean {
  const now = deps.now?.() ?? Date.now();
  return occurredAt !== undefined && now - occurredAt.getTime() > (deps.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS);
}
