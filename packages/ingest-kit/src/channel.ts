import { Channel } from '@switchboard/contracts';

/** The subject token of each channel (`sb.contacts.<domain>.<token>`); one place, used by every service. */
export const CHANNEL_TOKENS = {
  [Channel.CHANNEL_PHONE]: 'phone',
  [Channel.CHANNEL_EMAIL]: 'email',
  [Channel.CHANNEL_CHAT]: 'chat',
  [Channel.CHANNEL_WECHAT]: 'wechat',
} as const satisfies Partial<Record<Channel, string>>;

/** A channel a contact can arrive on (not `UNSPECIFIED`, not ts-proto's `UNRECOGNIZED`). */
export type IngestChannel = keyof typeof CHANNEL_TOKENS;

/**
 * The subject token of `channel`.
 * @throws TypeError for `CHANNEL_UNSPECIFIED` or an unknown value: a programming error, not a
 * platform's, so it surfaces as a 500.
 */
export function channelToken(channel: Channel): string {
  const token = (CHANNEL_TOKENS as Partial<Record<number, string>>)[channel];
  if (token === undefined) throw new TypeError(`channel ${String(channel)} has no subject token`);
  return token;
}
