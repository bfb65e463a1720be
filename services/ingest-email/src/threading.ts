import { createHash } from 'node:crypto';

/** An RFC 5322 msg-id as it appears in headers: `<local@domain>`. */
const MSG_ID = /<[^<>\s]+>/g;

/**
 * Every msg-id in a header value, in order. Works for the three shapes mail arrives in: one id,
 * a folded whitespace-separated list, and Outlook's comma-separated list.
 */
export function extractMessageIds(headerValue: string): string[] {
  return headerValue.match(MSG_ID) ?? [];
}

/** The threading headers of one message. */
export interface ThreadHeaders {
  readonly messageId: string;
  /** References, oldest first (the thread root first). */
  readonly references: readonly string[];
  readonly inReplyTo: readonly string[];
}

/** Where a message sits in its conversation. */
export interface ThreadPosition {
  /** The msg-id of the conversation's first message; the message's own id when it starts one. */
  readonly rootMessageId: string;
  /** Earlier messages of the conversation, oldest first, without the message itself. */
  readonly earlierMessageIds: readonly string[];
  readonly isReply: boolean;
}

/**
 * Finds the conversation of a message without any stored state: the root is the first
 * References id, else the In-Reply-To id, else the message itself. Every reply that quotes the
 * thread's References therefore lands in the same conversation.
 */
export function threadPosition(headers: ThreadHeaders): ThreadPosition {
  const earlier = [...new Set([...headers.references, ...headers.inReplyTo])].filter((id) => id !== headers.messageId);
  const rootMessageId = headers.references[0] ?? headers.inReplyTo[0] ?? headers.messageId;
  return { rootMessageId, earlierMessageIds: earlier, isReply: rootMessageId !== headers.messageId };
}

/**
 * A Message-ID for mail that has none (some scanners and scripts send such mail), derived from
 * its bytes so a retried delivery of the same bytes is still deduplicated.
 */
export function syntheticMessageId(raw: Uint8Array): string {
  return `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@switchboard.invalid>`;
}
