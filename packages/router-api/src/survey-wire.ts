import { Channel as ProtoChannel, type SurveyPolicy as ProtoSurveyPolicy } from '@switchboard/contracts';
import type { Channel, SurveyPolicy } from '@switchboard/routing-core';

// Customer channels only: no customer is on `task` (follow-up work), so no survey goes there.
const TO_PROTO: Record<Exclude<Channel, 'task'>, ProtoChannel> = {
  phone: ProtoChannel.CHANNEL_PHONE, email: ProtoChannel.CHANNEL_EMAIL, chat: ProtoChannel.CHANNEL_CHAT, wechat: ProtoChannel.CHANNEL_WECHAT,
};
const FROM_PROTO = new Map<ProtoChannel, Channel>(Object.entries(TO_PROTO).map(([c, p]) => [p, c as Channel]));

/**
 * A queue's survey policy on the wire (QueueConfig.survey, the checkpoint's QueueConfigImage).
 * Zero values are "unset": window 0 = the default, no channels = every customer channel, no texts = the channel's own.
 */
export function surveyPolicyToProto(p: SurveyPolicy | undefined): ProtoSurveyPolicy | undefined {
  if (p === undefined) return undefined;
  return { enabled: p.enabled, windowSeconds: p.windowSeconds ?? 0, channels: (p.channels ?? []).flatMap((c) => (c === 'task' ? [] : [TO_PROTO[c]])), texts: { ...(p.texts ?? {}) } };
}

/** @throws RangeError for a channel no customer is on (the caller maps it to its own error). */
export function surveyPolicyFromProto(p: ProtoSurveyPolicy | undefined): SurveyPolicy | undefined {
  if (p === undefined) return undefined;
  const channels = p.channels.map((c) => {
    const channel = FROM_PROTO.get(c);
    if (channel === undefined) throw new RangeError(`survey.channels: ${c} is not a customer channel (phone, email, chat, wechat)`);
    return channel;
  });
  return {
    enabled: p.enabled,
    ...(p.windowSeconds > 0 ? { windowSeconds: p.windowSeconds } : {}),
    ...(channels.length > 0 ? { channels } : {}),
    ...(Object.keys(p.texts).length > 0 ? { texts: { ...p.texts } } : {}),
  };
}
