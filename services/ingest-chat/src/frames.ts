import { z } from 'zod';
import { parseJsonOrThrow, parseOrThrow } from '@switchboard/ingest-kit';
import { E164, SURVEY_COMMENT_MAX } from '@switchboard/routing-core';

/** Longest visitor message accepted; chat is not for documents. */
export const MAX_TEXT_LENGTH = 4_000;


/** What a visitor's widget sends over the WebSocket. */
export const visitorFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('message'),
    /** The widget's own id of the message, reused on a resend: the idempotency key. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH),
  }),
  z.strictObject({ type: z.literal('typing') }),
  z.strictObject({ type: z.literal('read'), message_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
  /** While waiting (or when a closed chat offered it): call me back on this number. */
  z.strictObject({
    type: z.literal('callback'),
    number: z.string().regex(E164, { error: 'must be an E.164 phone number: + and 7 to 15 digits, e.g. +8613800138000' }),
  }),
  /** The answer to a `survey` system frame: a score from 1 to 5 and an optional comment. */
  z.strictObject({
    type: z.literal('survey'),
    /** The widget's id of the answer, reused on a resend: the idempotency key. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    score: z.number().int({ error: 'must be a whole number from 1 to 5' }).min(1, { error: 'must be a whole number from 1 to 5' }).max(5, { error: 'must be a whole number from 1 to 5' }),
    comment: z.string().trim().max(SURVEY_COMMENT_MAX, { error: `at most ${SURVEY_COMMENT_MAX} characters` }).optional(),
  }),
  /** After a closed or expired wait that offered it: reply to me by email. */
  z.strictObject({
    type: z.literal('leave-email'),
    address: z.email({ error: 'must be an email address' }).max(254),
    message: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
  }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'unknown frame type: expected message, typing, read, callback, leave-email or survey' : undefined) });

/** A validated visitor frame. */
export type VisitorFrame = z.infer<typeof visitorFrameSchema>;

/** Why routing ended a wait, as a system frame names it. */
export type ClosureReason = 'CLOSED' | 'MAX_WAIT' | 'QUEUE_FULL' | 'CALLBACK_FAILED';

/**
 * What the service tells the visitor on its own (not an agent's words). `id` is set on frames that
 * come from routing events and may be shown again after a reconnect: the widget drops repeats.
 */
export type SystemFrame =
  /** Where the visitor stands; at the queue's announcement cadence while waiting. */
  | { type: 'system'; kind: 'position'; position: number; estimatedWaitSeconds: number; text: string; callbackOffered: boolean; callbackRequested: boolean }
  /** Surge: the visitor may leave a number (a `callback` frame) and keep their place. */
  | { type: 'system'; kind: 'callback-offer'; id: string; text: string }
  /**
   * Routing ended the wait. `offer`: what the visitor may still send (a `leave-email` or `callback`
   * frame) until `offerExpiresAt` (ISO 8601); without one the socket closes (1000) after `ended`.
   */
  | { type: 'system'; kind: 'closed'; id: string; reason: ClosureReason; action: string; text: string; offer?: 'leave-email' | 'callback'; offerExpiresAt?: string }
  /** The callback was requested: the place is kept and an agent will call. */
  | { type: 'system'; kind: 'callback-confirmed'; text: string }
  /** The email address or number left after the wait ended became a follow-up contact. */
  | { type: 'system'; kind: 'follow-up-confirmed'; via: 'email' | 'callback'; text: string; duplicate: boolean }
  /** After the conversation: how satisfied was the visitor? Answered by a `survey` frame until `expiresAt` (ISO 8601). */
  | { type: 'system'; kind: 'survey'; id: string; text: string; scores: readonly number[]; expiresAt: string }
  /** The survey answer was taken (`id`: the answer frame's). */
  | { type: 'system'; kind: 'survey-thanks'; id: string; text: string }
  /** The chat is over; the server closes the socket with 1000 right after this frame. */
  | { type: 'system'; kind: 'ended'; reason: 'closed' | 'callback' | 'follow-up' | 'offer-expired' };

/** What the service sends back: an ack per message, or an error the widget can act on, or a system frame. */
export type ServerFrame =
  | { type: 'ack'; id: string; duplicate: boolean }
  /** `retry_after` (seconds) comes with status 429: the session sent too many frames. */
  | { type: 'error'; status: number; error: string; id?: string; field?: string; rule?: string; retry_after?: number }
  | SystemFrame;

/**
 * Parses a text frame.
 * @throws ValidationError naming the field (`(body)` for JSON that does not parse, `type` for an
 * unknown frame type, `number` for a callback number that is not E.164).
 */
export function parseVisitorFrame(text: string): VisitorFrame {
  return parseOrThrow(visitorFrameSchema, parseJsonOrThrow(text));
}

/**
 * A frame refused because of the chat's state, not its form (a callback after an agent answered,
 * leaving an email that was not offered): 409, or 410 once an offer expired.
 */
export class FrameRefusedError extends Error {
  override readonly name = 'FrameRefusedError';
  constructor(readonly status: 409 | 410, readonly rule: string, message: string) {
    super(message);
  }
}
