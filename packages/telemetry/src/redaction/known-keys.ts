import { REDACTED, redactText } from './patterns.js';

/**
 * Fields that hold personal data whatever their value looks like (a phone number in an unusual
 * format, a display name), at any depth. Names follow `@switchboard/contracts` (camelCase
 * ts-proto) and the platforms' own payloads (WeChat XML/JSON, snake_case webhooks).
 */
const ALWAYS_PERSONAL: ReadonlyMap<string, string> = new Map([
  ['phoneNumber', REDACTED.phone],
  ['phone_number', REDACTED.phone],
  ['phone', REDACTED.phone],
  ['emailAddress', REDACTED.email],
  ['email_address', REDACTED.email],
  ['email', REDACTED.email],
  ['displayName', REDACTED.other],
  ['display_name', REDACTED.other],
  ['wechatOpenid', REDACTED.openid],
  ['openid', REDACTED.openid],
  ['unionid', REDACTED.openid],
  ['FromUserName', REDACTED.openid],
  ['externalUserid', REDACTED.openid],
  ['external_userid', REDACTED.openid],
  ['toAddress', REDACTED.other],
]);

/**
 * Telephony and mail fields that are personal only at the top of a line: nested `from`/`to` are
 * also time ranges (`OpsService` replay windows), which must stay readable.
 */
const TOP_LEVEL_ONLY: ReadonlySet<string> = new Set(['from', 'to', 'caller', 'callee']);

const PLACEHOLDERS: ReadonlySet<string> = new Set(Object.values(REDACTED));

/**
 * The placeholder for `value` when `key` names personal data, else `undefined`. Only scalar
 * values are replaced: an object under such a key is walked field by field instead. The kind
 * comes from the key when it says it, else from what the scanner recognises in the value, else
 * `[redacted]`; the value itself is never returned.
 */
export function censorKnownKey(key: string, value: unknown, topLevel: boolean): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const placeholder = ALWAYS_PERSONAL.get(key);
  if (placeholder !== undefined) return placeholder;
  if (!topLevel || !TOP_LEVEL_ONLY.has(key)) return undefined;
  if (typeof value === 'string') {
    const scanned = redactText(value);
    if (PLACEHOLDERS.has(scanned)) return scanned;
  }
  return REDACTED.other;
}
