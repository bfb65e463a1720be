/**
 * Free-text detectors for the personal data Switchboard carries: email addresses, WeChat user ids
 * and phone numbers. They run on every string a logger writes, so they are compiled once, bounded
 * by lookarounds (a match starts only where a token starts, which keeps scanning linear) and
 * guarded by cheap `includes` checks.
 */

/** Placeholders written in place of what was found; stable so dashboards can count them. */
export const REDACTED = {
  phone: '[phone]',
  email: '[email]',
  openid: '[openid]',
  other: '[redacted]',
} as const;

// Local part, "@", dotted labels ending in an alphabetic TLD (so `pkg@1.2.3` in stack-trace paths
// stays readable). The lookbehind makes every attempt start at the beginning of a token, so a
// long run of word characters without "@" costs O(n), not O(n²).
const EMAIL = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])/g;

// WeChat openid/unionid: 28 url-safe characters starting with "o". Ordinary 28-character words
// starting with "o" are spared by requiring an upper-case letter or a digit, which a random id
// lacks with odds of about 1 in 10^10. WeCom external_userid: "wm" and 20+ characters with a digit.
const WECHAT_ID =
  /(?<![\w-])(?:o(?=[\w-]{0,26}[A-Z0-9])[\w-]{27}|wm(?=[\w-]{0,61}\d)[\w-]{20,62})(?![\w-])/g;

// Phone numbers. International forms carry a "+" or "00"; national forms need the shapes people
// actually write (NANP with separators, Chinese mobiles, trunk-prefix "0" numbers) so that epoch
// times, ports, UUID segments and decimals are left alone: a match may not touch a word
// character, "." or "-" on its left, nor a word character or ".digit" on its right.
const PHONE = new RegExp(
  [
    String.raw`(?<![\w+])\+[1-9](?:[ .()-]{0,2}\d){6,14}(?![\w])`,
    String.raw`(?<![\w.+-])00[1-9](?:[ .-]?\d){6,13}(?![\w])`,
    String.raw`(?<![\w.+-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w]|\.\d)`,
    String.raw`(?<![\w.+-])1[3-9]\d(?:[ -]?\d{4}){2}(?![\w]|\.\d)`,
    String.raw`(?<![\w.+-])0\d{1,4}[ -]\d{3,4}[ -]?\d{3,4}(?![\w]|\.\d)`,
    String.raw`(?<![\w.+-])0[1-9]\d{8,9}(?![\w]|\.\d)`,
  ].join('|'),
  'g',
);

const HAS_DIGIT = /\d/;

/** The shortest thing worth scanning: "a@b.cn" is six characters. */
const MIN_LENGTH = 6;

/**
 * Replaces every phone number, email address and WeChat user id in `text` with its placeholder.
 * Returns the input unchanged when nothing matched, so callers can compare with `===` and skip
 * copying the object that held it.
 */
export function redactText(text: string): string {
  if (text.length < MIN_LENGTH) return text;
  let out = text;
  // Email first: "13800138000@qq.com" is one email, not a phone number followed by a domain.
  if (out.includes('@')) out = out.replace(EMAIL, REDACTED.email);
  if (out.includes('o') || out.includes('wm')) out = out.replace(WECHAT_ID, REDACTED.openid);
  if (HAS_DIGIT.test(out)) out = out.replace(PHONE, REDACTED.phone);
  return out;
}
