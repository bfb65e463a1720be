/** The channels a contact can arrive on. */
export const Channel = {
  PHONE: 'phone',
  EMAIL: 'email',
  CHAT: 'chat',
  WECHAT: 'wechat',
} as const;

/** One of {@link Channel}. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Every channel, in a fixed order (used when iterating capacities deterministically). */
export const CHANNELS: readonly Channel[] = [Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WECHAT];

/** Concurrent contacts an agent may hold per channel; a missing channel means 0 (not served). */
export type ChannelCapacity = Readonly<Partial<Record<Channel, number>>>;
