import { z } from 'zod';
import { parseJsonOrThrow, parseOrThrow } from '@switchboard/ingest-kit';

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
]);

/** A validated visitor frame. */
export type VisitorFrame = z.infer<typeof visitorFrameSchema>;

/** What the service sends back: an ack per message, or an error the widget can act on. */
export type ServerFrame =
  | { type: 'ack'; id: string; duplicate: boolean }
  /** `retry_after` (seconds) comes with status 429: the session sent too many frames. */
  | { type: 'error'; status: number; error: string; id?: string; field?: string; rule?: string; retry_after?: number };

/**
 * Parses a text frame.
 * @throws ValidationError naming the field (`(body)` for JSON that does not parse).
 */
export function parseVisitorFrame(text: string): VisitorFrame {
  return parseOrThrow(visitorFrameSchema, parseJsonOrThrow(text));
}
