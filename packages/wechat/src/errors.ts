/** Stable codes of the ways a WeChat callback or API call can fail. */
export const WeChatErrorCode = {
  badSignature: 'WECHAT.BAD_SIGNATURE',
  badXml: 'WECHAT.BAD_XML',
  badCiphertext: 'WECHAT.BAD_CIPHERTEXT',
  receiverMismatch: 'WECHAT.RECEIVER_MISMATCH',
  badAesKey: 'WECHAT.BAD_AES_KEY',
  apiError: 'WECHAT.API_ERROR',
  sendFailed: 'WECHAT.SEND_FAILED',
} as const;

export type WeChatErrorCodeValue = (typeof WeChatErrorCode)[keyof typeof WeChatErrorCode];

/**
 * A callback that cannot be trusted or read (forged signature, malformed XML, junk ciphertext,
 * another account's message). The HTTP edge answers 4xx: a retry of the same bytes fails again.
 */
export class WeChatProtocolError extends Error {
  override readonly name = 'WeChatProtocolError';
  constructor(
    readonly code: Exclude<WeChatErrorCodeValue, 'WECHAT.API_ERROR' | 'WECHAT.SEND_FAILED'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The WeChat API answered with a non-zero `errcode`, a non-JSON body or not at all. Temporary by
 * nature (network, token expiry): callers retry on the next trigger.
 */
export class WeChatApiError extends Error {
  override readonly name = 'WeChatApiError';
  readonly code = WeChatErrorCode.apiError;
  constructor(
    message: string,
    /** WeChat's `errcode`, when the API answered with one. */
    readonly errcode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Why WeChat did not send a Customer Service message (`kf/send_msg`):
 * - `QUOTA_EXHAUSTED` (95001): the 5 messages allowed per customer message (48 h) are used up;
 *   sending works again only after the customer writes.
 * - `SESSION_STATE` (95018): the session is in a state that takes no API messages (with a human
 *   servicer, or ended).
 * - `BAD_RECIPIENT` (95000, 95004, 40003, 40096): unknown open_kfid or customer.
 * - `RATE_LIMITED` (45009, 45033): too many calls now.
 * - `BUSY` (-1): WeChat's own transient failure, after the client's retries.
 * - `UNAVAILABLE`: unreachable, an HTTP error or a non-JSON answer.
 * - `REFUSED`: any other errcode (a bad request: retrying the same bytes fails again).
 */
export const KfSendFailure = {
  quotaExhausted: 'QUOTA_EXHAUSTED',
  sessionState: 'SESSION_STATE',
  badRecipient: 'BAD_RECIPIENT',
  rateLimited: 'RATE_LIMITED',
  busy: 'BUSY',
  unavailable: 'UNAVAILABLE',
  refused: 'REFUSED',
} as const;

export type KfSendFailureValue = (typeof KfSendFailure)[keyof typeof KfSendFailure];

const SEND_FAILURES: ReadonlyMap<number, KfSendFailureValue> = new Map([
  [95001, KfSendFailure.quotaExhausted],
  [95018, KfSendFailure.sessionState],
  [95000, KfSendFailure.badRecipient],
  [95004, KfSendFailure.badRecipient],
  [40003, KfSendFailure.badRecipient],
  [40096, KfSendFailure.badRecipient],
  [45009, KfSendFailure.rateLimited],
  [45033, KfSendFailure.rateLimited],
  [-1, KfSendFailure.busy],
]);

/** Failures worth sending again later (a ROUTING batch is redelivered); the others never succeed as sent. */
const RETRYABLE: ReadonlySet<KfSendFailureValue> = new Set([KfSendFailure.rateLimited, KfSendFailure.busy, KfSendFailure.unavailable]);

/**
 * WeChat did not send a customer message; `reason` says why and `retryable` whether sending the
 * same message later can work. The errcode WeChat answered is kept for the logs.
 */
export class WeChatSendError extends Error {
  override readonly name = 'WeChatSendError';
  readonly code = WeChatErrorCode.sendFailed;
  readonly retryable: boolean;
  constructor(
    readonly reason: KfSendFailureValue,
    message: string,
    readonly errcode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = RETRYABLE.has(reason);
  }

  /** The send failure an API error stands for. */
  static from(error: WeChatApiError, what: string): WeChatSendError {
    const reason = error.errcode === undefined ? KfSendFailure.unavailable : (SEND_FAILURES.get(error.errcode) ?? KfSendFailure.refused);
    return new WeChatSendError(reason, `${what} not sent (${reason}): ${error.message}`, error.errcode, { cause: error });
  }
}
