import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN } from '@switchboard/ingest-kit';

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
  /** `arrived` opens the contact; `abandoned` and `ended` are later events of the same call. */
  event: z.enum(['arrived', 'abandoned', 'ended']).default('arrived'),
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
});
export type GenericCall = z.output<typeof genericCallSchema>;
