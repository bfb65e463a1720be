import { AuthError, BODY_FIELD, ValidationError } from '@switchboard/ingest-kit';
import { WeChatErrorCode, WeChatProtocolError } from '@switchboard/wechat';

/**
 * Translates the WeChat package's errors to the kit's, once, at the HTTP edge: a forged
 * signature or another account's message is 403, unreadable XML or ciphertext is 400 naming the
 * field. Anything else passes through unchanged (BusUnavailableError → 503 in the kit).
 */
export function toIngestError(error: unknown): unknown {
  if (!(error instanceof WeChatProtocolError)) return error;
  switch (error.code) {
    case WeChatErrorCode.badSignature:
      return new AuthError('invalid', 'signature does not verify');
    case WeChatErrorCode.receiverMismatch:
      return new AuthError('invalid', 'message is for another account');
    case WeChatErrorCode.badCiphertext:
      return new ValidationError('Encrypt', 'ciphertext', `Encrypt: ${error.message}`);
    case WeChatErrorCode.badXml:
      return new ValidationError(fieldOf(error.message), 'xml', error.message);
    case WeChatErrorCode.badAesKey:
      return error;
  }
}

/** Runs a handler step, translating WeChat errors on the way out. */
export async function translated<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toIngestError(error);
  }
}

// The package's messages name the field as "field X ..."; anything else concerns the whole body.
function fieldOf(message: string): string {
  return /^field (\w+)/.exec(message)?.[1] ?? BODY_FIELD;
}
