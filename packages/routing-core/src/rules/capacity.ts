import type { Channel, ChannelCapacity } from '../model/channel.js';
import { PassReason } from '../model/explanation.js';

/** Contacts held per channel (offers, connections and wrap-ups all count). */
export type ChannelLoad = Record<Channel, number>;

/** A fresh all-zero load. */
export function emptyLoad(): ChannelLoad {
  return { phone: 0, email: 0, chat: 0, wechat: 0, task: 0 };
}

/**
 * Whether an agent can take one more contact on `channel`: below that channel's capacity, and —
 * unless `allowBlendWithPhone` — never a phone contact together with any other channel (in
 * either direction: a call blocks new chats, open chats block a new call).
 */
export function capacityPassReason(capacity: ChannelCapacity, allowBlendWithPhone: boolean, load: ChannelLoad, channel: Channel): PassReason | null {
  if (load[channel] >= (capacity[channel] ?? 0)) return PassReason.CAPACITY;
  if (allowBlendWithPhone) return null;
  if (channel === 'phone') return load.email + load.chat + load.wechat + load.task > 0 ? PassReason.BLENDING : null;
  return load.phone > 0 ? PassReason.BLENDING : null;
}

/** Share of total capacity in use, 0..1 (LEAST_OCCUPIED key). */
export function occupancy(capacity: ChannelCapacity, load: ChannelLoad): number {
  let cap = 0;
  let used = 0;
  for (const c of ['phone', 'email', 'chat', 'wechat', 'task'] as const) {
    cap += capacity[c] ?? 0;
    used += load[c];
  }
  return cap === 0 ? 1 : used / cap;
}
