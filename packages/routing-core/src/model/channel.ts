/** The channels a contact can arrive on. */
export const Channel = {
  PHONE: 'phone',
  EMAIL: 'email',
  CHAT: 'chat',
  WECHAT: 'wechat',
  /** Follow-up work the engine opens itself (a complaint left unresolved), routed like any contact. */
  TASK: 'task',
} as const;

/** One of {@link Channel}. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Every channel, in a fixed order (used when iterating capacities deterministically). */
export const CHANNELS: readonly Channel[] = [Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WECHAT, Channel.TASK];

/** Concurrent contacts an agent may hold per channel; a missing channel means 0 (not served). */
export type ChannelCapacity = Readonly<Partial<Record<Channel, number>>>;
