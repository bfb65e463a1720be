import { signGenericRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './generic-auth.js';

/** What Switchboard tells a generic telephony platform (the JSON of one signed POST). */
export type PlatformEvent =
  /** An agent took a queued callback: dial `number` now and bridge the agent; report `ended` or `callback_failed`. */
  | { readonly type: 'callback_dial'; readonly contactId: string; readonly callId?: string; readonly number: string; readonly agentId: string; readonly attempt: number; readonly language: string; readonly text: string }
  /** Where a waiting caller stands: say `text` (and offer the callback, `offerText`, when set). */
  | {
    readonly type: 'position'; readonly contactId: string; readonly callId: string; readonly position: number; readonly estimatedWaitSeconds: number;
    readonly waitedSeconds: number; readonly language: string; readonly text: string; readonly offerText?: string;
  }
  /** Routing cannot serve the caller: say `text`, then hang up (`message`) or record a voicemail (`voicemail`). */
  | { readonly type: 'action'; readonly contactId: string; readonly callId: string; readonly reason: string; readonly kind: 'message' | 'voicemail'; readonly language: string; readonly text: string }
  /** After the agent's leg: say `text` and collect one digit (1–5); report it as `survey_answered` with `score` before `expiresAt`. */
  | { readonly type: 'survey'; readonly contactId: string; readonly callId: string; readonly language: string; readonly text: string; readonly expiresAt: string };

/** The platform answered with a status that is not 2xx. */
export class PlatformWebhookError extends Error {
  override readonly name = 'PlatformWebhookError';
  readonly code = 'PHONE.PLATFORM_WEBHOOK';
  constructor(readonly status: number) {
    super(`the telephony platform answered ${status}`);
  }

  /** A 4xx other than 408/429: the platform refuses this event for good (an unknown call, a number it will not dial). */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/** Posts events to the generic platform's `PHONE_PLATFORM_WEBHOOK_URL`. */
export interface PlatformWebhook {
  /** @throws PlatformWebhookError for a non-2xx answer; the fetch's error when unreachable or past `timeoutMs`. */
  post(event: PlatformEvent): Promise<void>;
}

/**
 * Signs every POST the way the platform signs ours (`X-Switchboard-Timestamp` and
 * `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`), so one
 * verifier serves both directions and a copied request expires with the platform's window.
 */
export function createPlatformWebhook(options: { url: string; secret: string; timeoutMs?: number; nowSeconds?: () => number }): PlatformWebhook {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    async post(event) {
      const body = JSON.stringify(event);
      const timestamp = nowSeconds();
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signGenericRequest(options.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new PlatformWebhookError(response.status);
    },
  };
}
