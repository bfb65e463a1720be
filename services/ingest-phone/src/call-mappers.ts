import {
  Attribute,
  Channel,
  Contact,
  ContactState,
  ContactUpdate,
  ContactUpdateKind,
  CustomerTier,
} from '@switchboard/contracts';
import { deterministicContactId } from '@switchboard/ingest-kit';
import type { z } from 'zod';
import type { GenericCall, TwilioStatus, TwilioVoice, voiceQuerySchema } from './call-schemas.js';

const TIERS: Record<NonNullable<GenericCall['tier']>, CustomerTier> = {
  standard: CustomerTier.CUSTOMER_TIER_STANDARD,
  vip_silver: CustomerTier.CUSTOMER_TIER_VIP_SILVER,
  vip_gold: CustomerTier.CUSTOMER_TIER_VIP_GOLD,
  vip_platinum: CustomerTier.CUSTOMER_TIER_VIP_PLATINUM,
};

const attrs = (entries: Record<string, string | undefined>): Attribute[] =>
  Object.entries(entries).flatMap(([key, value]) => (value === undefined || value === '' ? [] : [{ key, value }]));

/** The contact id of a call, from its platform call id (same for every event of the call). */
export function callContactId(domain: string, callKey: string): string {
  return deterministicContactId(domain, Channel.CHANNEL_PHONE, callKey);
}

/** A new call from Twilio's voice webhook; routing hints come from the webhook URL's query. */
export function twilioCallToContact(call: TwilioVoice, hints: z.output<typeof voiceQuerySchema>, domain: string, now: Date): Contact {
  return Contact.fromPartial({
    id: callContactId(domain, call.CallSid),
    channel: Channel.CHANNEL_PHONE,
    domain,
    customer: { phoneNumber: call.From ?? '', language: hints.language ?? '' },
    intent: hints.intent ?? '',
    priority: hints.priority ?? 0,
    requirements: { language: hints.language ?? '' },
    conversationId: callContactId(domain, call.CallSid),
    channelIds: { callSid: call.CallSid, toAddress: call.To ?? '' },
    attributes: attrs({ 'twilio.accountSid': call.AccountSid, 'call.direction': call.Direction, 'ivr.digits': call.Digits, platform: 'twilio' }),
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: now,
  });
}

/** The caller left: a status callback with a terminal status. */
export function twilioStatusToUpdate(status: TwilioStatus, domain: string, now: Date): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId: callContactId(domain, status.CallSid),
    domain,
    channel: Channel.CHANNEL_PHONE,
    // The router applies ABANDONED only to a contact still waiting; for a connected call the
    // same status is the end of the conversation, which it records from the agent side.
    kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED,
    occurredAt: now,
    attributes: attrs({ 'twilio.callStatus': status.CallStatus, 'twilio.callDuration': status.CallDuration }),
  });
}

/** A new call from the generic JSON webhook. */
export function genericCallToContact(call: GenericCall, domain: string, now: Date): Contact {
  const language = call.ivr?.language ?? '';
  const selections = Object.entries(call.ivr?.selections ?? {}).map(([key, value]) => ({ key: `ivr.${key}`, value }));
  return Contact.fromPartial({
    id: callContactId(domain, call.callId),
    channel: Channel.CHANNEL_PHONE,
    domain,
    customer: { id: call.accountId ?? '', phoneNumber: call.callerNumber ?? '', language, tier: call.tier ? TIERS[call.tier] : CustomerTier.CUSTOMER_TIER_UNSPECIFIED },
    intent: call.ivr?.intent ?? '',
    priority: call.priority ?? 0,
    requirements: { language },
    conversationId: callContactId(domain, call.callId),
    channelIds: { callSid: call.callId, toAddress: call.dialledNumber ?? '' },
    attributes: [...attrs({ platform: call.platform }), ...selections],
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: now,
  });
}

/** A later event of a call from the generic webhook (`abandoned`, `ended`, `callback_requested`, `callback_failed`). */
export function genericCallToUpdate(call: GenericCall, domain: string, now: Date): ContactUpdate {
  const contactId = call.contactId ?? callContactId(domain, call.callId);
  const platform = attrs({ platform: call.platform });
  if (call.event === 'callback_requested') return callbackRequestedUpdate(domain, contactId, call.callbackNumber ?? '', call.callId, now, platform);
  if (call.event === 'callback_failed') return callbackFailedUpdate(domain, contactId, call.reason ?? 'failed', call.callId, now, platform);
  return ContactUpdate.fromPartial({
    contactId,
    domain,
    channel: Channel.CHANNEL_PHONE,
    kind: call.event === 'abandoned' ? ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED : ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED,
    occurredAt: now,
    attributes: platform,
  });
}

/**
 * The caller asked to be called back on `number` (E.164). `messageId` (the call id) names the
 * request, so the router's command id is the same for a resend and distinct per call.
 */
export function callbackRequestedUpdate(domain: string, contactId: string, number: string, messageId: string, now: Date, attributes: Attribute[] = []): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId, domain, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED,
    occurredAt: now, callbackNumber: number, messageId, attributes,
  });
}

/**
 * A callback dial did not reach the customer (`no-answer`, `busy`, `failed`, `canceled`).
 * Published on the phone channel whatever the contact's own (phone dials every callback);
 * `messageId` (the outbound call's id, or the attempt) keeps each attempt's failure distinct.
 */
export function callbackFailedUpdate(domain: string, contactId: string, reason: string, messageId: string, now: Date, attributes: Attribute[] = []): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId, domain, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_FAILED,
    occurredAt: now, reason, messageId, attributes,
  });
}

/** The callback leg the customer answered is over: the contact's conversation ended on the phone. */
export function callbackEndedUpdate(domain: string, contactId: string, now: Date, callSid: string, duration: string | undefined): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId, domain, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, occurredAt: now,
    attributes: attrs({ 'twilio.callbackCallSid': callSid, 'twilio.callDuration': duration, platform: 'twilio' }),
  });
}

/**
 * The voicemail a caller left after an exception, recorded on CONTACTS as a MESSAGE of the
 * (ended) contact with the recording in its attributes: the system of record keeps it beside the
 * call, whoever listens to voicemails finds it by contact id, and the router changes nothing
 * (a message of a contact that is gone).
 */
export function voicemailUpdate(domain: string, contactId: string, recording: { sid: string; url: string; durationSeconds: number }, now: Date): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId, domain, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE, occurredAt: now,
    messageId: recording.sid, summary: 'voicemail',
    attributes: attrs({ 'voicemail.recordingSid': recording.sid, 'voicemail.recordingUrl': recording.url, 'voicemail.durationSeconds': String(recording.durationSeconds), platform: 'twilio' }),
  });
}
