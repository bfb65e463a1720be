import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, isContactId } from '@switchboard/ingest-kit';
import { E164 } from '@switchboard/routing-core';


/** BCP 47-ish language tag as IVRs send it (`en`, `zh-CN`, `pt-BR`). */
const languageTag = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/);

/** Twilio's 34-character resource ids. */
const twilioSid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`));

/** Fields of Twilio's voice webhook we use; Twilio adds fields over time, so others pass. */
export const twilioVoiceSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  From: z.string().max(64).optional(),
  To: z.string().max(64).optional(),
  CallStatus: z.string().min(1).max(32),
  Direction: z.string().max(32).optional(),
  Digits: z.string().max(64).optional(),
});
export type TwilioVoice = z.output<typeof twilioVoiceSchema>;

/** Call statuses after which the caller is gone. */
export const TERMINAL_CALL_STATUSES = ['completed', 'busy', 'no-answer', 'canceled', 'failed'] as const;

/** Twilio's status callback. */
export const twilioStatusSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', ...TERMINAL_CALL_STATUSES]),
  CallDuration: z.string().regex(/^\d{1,9}$/).optional(),
});
export type TwilioStatus = z.output<typeof twilioStatusSchema>;

/** Twilio's request for the wait URL of a queued call (`Enqueue waitUrl`). */
export const twilioWaitSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  From: z.string().max(64).optional(),
  QueuePosition: z.string().regex(/^\d{1,6}$/).optional(),
  QueueTime: z.string().regex(/^\d{1,9}$/).optional(),
});

/** The digit of the wait URL's `<Gather>` (`/twilio/callback-choice`). */
export const twilioGatherSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  From: z.string().max(64).optional(),
  Digits: z.string().max(16).optional(),
});

/** Enqueue's action: the call left the queue (`/twilio/queue-left`). */
export const twilioQueueLeftSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  QueueResult: z.string().max(32).optional(),
});

/** `<Record>`'s action: the voicemail a caller left (`/twilio/voicemail`). */
export const twilioRecordingSchema = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  RecordingSid: twilioSid('RE'),
  RecordingUrl: z.url({ protocol: /^https?$/ }).max(512),
  RecordingDuration: z.string().regex(/^\d{1,6}$/).optional(),
});

const contactIdField = z.string().refine(isContactId, 'a Switchboard contact id (26 base32 characters)');

/** The query of a callback leg's URLs (`/twilio/callback-connect`, `/twilio/callback-status`), which Switchboard wrote and Twilio signed. */
export const callbackQuerySchema = z.object({
  contact: contactIdField,
  agent: z.string().min(1).max(128).regex(/^[\w.@:-]+$/).optional(),
  attempt: z.coerce.number().int().min(1).max(100).optional(),
});

/** Per-number routing hints set in the webhook URL's query (`/twilio/voice?intent=billing&language=en`). */
export const voiceQuerySchema = z.object({
  intent: z.string().max(64).regex(/^[\w.-]*$/).optional(),
  language: languageTag.optional(),
  priority: z.coerce.number().int().min(0).max(1000).optional(),
});

/**
 * The generic telephony webhook (`POST /v1/contacts`) for Asterisk ARI, FreeSWITCH and others:
 * one JSON object per call event.
 */
export const genericCallSchema = z.object({
  /** The platform's call id (ARI channel id, FreeSWITCH UUID): the idempotency key. */
  callId: z.string().min(1).max(128).regex(IDEMPOTENCY_KEY_PATTERN, 'no control characters (CR, LF, NUL…) or unpaired surrogates'),
  /**
   * `arrived` opens the contact; `abandoned` and `ended` are later events of the same call;
   * `callback_requested` (with `callbackNumber`): the caller chose a callback and may hang up;
   * `callback_failed` (with `reason`): a `callback_dial` we asked for did not reach the customer.
   */
  event: z.enum(['arrived', 'abandoned', 'ended', 'callback_requested', 'callback_failed', 'survey_answered']).default('arrived'),
  /** For `survey_answered`: the digit the caller pressed, 1–5. */
  score: z.number().int().min(1, 'a whole number from 1 to 5').max(5, 'a whole number from 1 to 5').optional(),
  /**
   * For `ended` and `callback_failed` of a callback leg: the contact of the `callback_dial` (it may
   * be another channel's, a chat visitor who left a number); otherwise the contact is the call's.
   */
  contactId: contactIdField.optional(),
  /** E.164, for `callback_requested`. */
  callbackNumber: z.string().regex(E164, 'E.164: + and 7 to 15 digits').optional(),
  /** Why a `callback_failed` dial failed. */
  reason: z.enum(['no-answer', 'busy', 'failed', 'canceled']).optional(),
  callerNumber: z.string().min(1).max(64).optional(),
  dialledNumber: z.string().min(1).max(64).optional(),
  accountId: z.string().max(128).optional(),
  platform: z.string().max(32).optional(),
  tier: z.enum(['standard', 'vip_silver', 'vip_gold', 'vip_platinum']).optional(),
  priority: z.number().int().min(0).max(1000).optional(),
  ivr: z.object({
    language: languageTag.optional(),
    intent: z.string().max(64).optional(),
    selections: z.record(z.string().max(64), z.string().max(256)).optional(),
  }).optional(),
}).refine((call) => call.event !== 'arrived' || call.callerNumber !== undefined, {
  path: ['callerNumber'],
  message: 'required for an arrived call',
}).refine((call) => call.event !== 'callback_requested' || call.callbackNumber !== undefined, {
  path: ['callbackNumber'],
  message: 'required for callback_requested',
}).refine((call) => call.event !== 'survey_answered' || call.score !== undefined, {
  path: ['score'],
  message: 'required for survey_answered (1 to 5)',
}).refine((call) => call.event !== 'callback_failed' || call.reason !== undefined, {
  path: ['reason'],
  message: 'required for callback_failed',
}).refine((call) => call.contactId === undefined || call.event === 'ended' || call.event === 'callback_failed', {
  path: ['contactId'],
  message: 'only for ended and callback_failed of a callback leg',
});
export type GenericCall = z.output<typeof genericCallSchema>;
