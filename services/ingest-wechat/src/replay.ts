import { ValidationError, type ReplayGuard } from '@switchboard/ingest-kit';

/** A verified callback's stamp: who signed it, and the signed timestamp and nonce of its query. */
export interface CallbackStamp {
  /** `wechat-oa:<AppID or account>` or `wechat-work:<CorpID>`: nonces are remembered per account. */
  readonly source: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/**
 * Checks the signed timestamp against the window. Call after the signature verified.
 * @throws ValidationError for a timestamp that is not Unix seconds; AuthError (403) outside the window.
 */
export function checkCallbackTime(guard: Pick<ReplayGuard, 'checkTimestamp'>, timestamp: string): void {
  if (!/^\d{1,12}$/.test(timestamp)) throw new ValidationError('timestamp', 'invalid_format', 'timestamp: must be Unix seconds');
  guard.checkTimestamp(Number(timestamp));
}

/**
 * Admits a verified callback's nonce once per body, through the ingest-kit ReplayGuard.
 *
 * A nonce seen before with the same body is WeChat delivering the same callback again (it tries
 * three times when an answer is slow, and again after our 503 while NATS was away): admitted, and
 * harmless because its MsgId (events: FromUserName + CreateTime) deduplicates it — refusing it
 * could lose a message we never stored and shows the customer an error. A nonce seen before with
 * another body is a replay with new content: plain mode signs only token, timestamp and nonce,
 * so this is the one check that stops someone who saw a signed query from posting messages of
 * their own with it (403). Safe mode and WeCom sign the Encrypt text too, so there a replay can
 * only repeat the same message (ReplayGuard.admitOncePerBody keeps the binding).
 * @throws AuthError (403) outside the window or for a nonce reused with another body;
 * BusUnavailableError when the guard's bucket cannot be written (503: WeChat retries).
 */
export async function admitCallback(guard: ReplayGuard, stamp: CallbackStamp, body: string): Promise<void> {
  checkCallbackTime(guard, stamp.timestamp);
  await guard.admitOncePerBody({ source: stamp.source, timestampSeconds: Number(stamp.timestamp), nonce: stamp.nonce }, body,
    'nonce was already used with another body (replayed signature)');
}
