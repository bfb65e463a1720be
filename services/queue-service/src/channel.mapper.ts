import { Channel as ProtoChannel } from '@switchboard/contracts';
import type { Channel } from '@switchboard/routing-core';

const CHANNEL: Partial<Record<ProtoChannel, Channel>> = {
  [ProtoChannel.CHANNEL_PHONE]: 'phone',
  [ProtoChannel.CHANNEL_EMAIL]: 'email',
  [ProtoChannel.CHANNEL_CHAT]: 'chat',
  [ProtoChannel.CHANNEL_WECHAT]: 'wechat',
  [ProtoChannel.CHANNEL_TASK]: 'task',
};

/** The core's channel of a proto channel; undefined for UNSPECIFIED or an unknown value. */
export function channelOf(channel: ProtoChannel): Channel | undefined {
  return CHANNEL[channel];
}
