/** Stable codes of the ways a WeChat callback or API call can fail. */
export const WeChatErrorCode = {
  badSignature: 'WECHAT.BAD_SIGNATURE',
  badXml: 'WECHAT.BAD_XML',
  badCiphertext: 'WECHAT.BAD_CIPHERTEXT',
  receiverMismatch: 'WECHAT.RECEIVER_MISMATCH',
  badAesKey: 'WECHAT.BAD_AES_KEY',
  apiError: 'WECHAT.API_ERROR',
} as const;

export type WeChatErrorCodeValue = (typeof WeChatErrorCode)[keyof typeof WeChatErrorCode];

/**
 * A callback that cannot be trusted or read (forged signature, malformed XML, junk ciphertext,
 * another account's message). The HTTP edge answers 4xx: a retry of the same bytes fails again.
 */
export class WeChatProtocolError extends Error {
  override readonly name = 'WeChatProtocolError';
  constructor(
    readonly code: Exclude<WeChatErrorCodeValue, 'WECHAT.API_ERROR'>,
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
