import { simpleParser, type AddressObject, type HeaderLines, type ParsedMail } from 'mailparser';
import { BODY_FIELD, ValidationError } from '@switchboard/ingest-kit';
import { extractMessageIds, syntheticMessageId, threadPosition, type ThreadPosition } from './threading.js';

/** What ingestion keeps of a message: addresses, subject, threading and attachment metadata. */
export interface InboundEmail {
  readonly messageId: string;
  readonly thread: ThreadPosition;
  readonly fromAddress: string;
  readonly fromName: string;
  /** The first To address from the headers; SMTP prefers the envelope recipient. */
  readonly toAddress: string;
  readonly subject: string;
  /** The first characters of the text part, for a summary when there is no subject. */
  readonly snippet: string;
  readonly language: string;
  readonly attachments: readonly { filename: string; contentType: string; size: number }[];
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** Longest address (RFC 5321's path limit) and msg-id (RFC 5322's line limit) accepted. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_MESSAGE_ID_LENGTH = 998;

/**
 * Thread ids a contact carries: the root and the newest others. References grows by one id per
 * message of a thread and is sender-controlled; every id becomes a contact id in the contact, so
 * without a cap a long (or forged) References makes the contact larger than the bus takes.
 */
export const MAX_THREAD_IDS = 50;

/** Attachments described in a contact; a message has at most 1,000 parts anyway. */
export const MAX_ATTACHMENTS = 100;

/** MIME parts a message may have (mailsplit's own limit, which it enforces while splitting). */
export const MAX_MIME_PARTS = 1_000;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/** All values of a header from the raw header lines (mailparser keeps them unfolded as received). */
function rawHeader(lines: HeaderLines, name: string): string {
  return lines.filter((h) => h.key === name).map((h) => h.line.slice(h.line.indexOf(':') + 1)).join(' ');
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } | undefined {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  for (const object of objects) {
    for (const entry of object.value) if (entry.address) return { address: entry.address, name: entry.name };
  }
  return undefined;
}

/**
 * Parses a raw RFC 5322 message. Threading ids come from the raw headers, not mailparser's
 * `references` (an array when folded, a string when single, one string for Outlook's comma lists).
 * @throws ValidationError when the message has no usable From address (not a mail we can route).
 */
export async function parseInboundEmail(raw: Buffer): Promise<InboundEmail> {
  const parsed = await parseMime(raw);
  const from = firstAddress(parsed.from);
  if (!from) throw new ValidationError('From', 'required', 'From: required');
  if (!ADDRESS.test(from.address) || from.address.length > MAX_ADDRESS_LENGTH) throw new ValidationError('From', 'invalid_format', 'From: not an email address');
  const messageId = extractMessageIds(rawHeader(parsed.headerLines, 'message-id'))[0] ?? syntheticMessageId(raw);
  if (messageId.length > MAX_MESSAGE_ID_LENGTH) throw new ValidationError('Message-ID', 'too_long', `Message-ID: longer than ${MAX_MESSAGE_ID_LENGTH} characters`);
  const ids = (name: string) => extractMessageIds(rawHeader(parsed.headerLines, name)).filter((id) => id.length <= MAX_MESSAGE_ID_LENGTH);
  const thread = threadPosition({ messageId, references: capReferences(ids('references')), inReplyTo: ids('in-reply-to').slice(0, MAX_THREAD_IDS) });
  const to = firstAddress(parsed.to)?.address ?? '';
  const language = rawHeader(parsed.headerLines, 'content-language').split(',')[0]?.trim() ?? '';
  return {
    messageId,
    thread,
    fromAddress: from.address,
    fromName: from.name.slice(0, 200),
    toAddress: to.length <= MAX_ADDRESS_LENGTH ? to : '',
    subject: (parsed.subject ?? '').trim(),
    snippet: (parsed.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
    language: LANGUAGE.test(language) ? language : '',
    attachments: parsed.attachments.slice(0, MAX_ATTACHMENTS).map((a) => ({ filename: (a.filename ?? '').slice(0, 255), contentType: a.contentType.slice(0, 127), size: a.size })),
  };
}

/** The root (first id) and the newest `MAX_THREAD_IDS - 1` others: what threading and history need. */
function capReferences(references: readonly string[]): string[] {
  if (references.length <= MAX_THREAD_IDS) return [...references];
  return [references[0]!, ...references.slice(references.length - (MAX_THREAD_IDS - 1))];
}

/**
 * mailparser, with its failures on the bytes turned into permanent refusals: the same bytes
 * fail again however often the sender retries, so an SMTP 451 would only make it retry for days.
 * @throws ValidationError `(body)` `max_parts` past {@link MAX_MIME_PARTS} parts, `mime` otherwise.
 */
async function parseMime(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true, skipTextToHtml: true });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EMAXLEN') {
      throw new ValidationError(BODY_FIELD, 'max_parts', `message has more than ${MAX_MIME_PARTS} MIME parts`, { cause: error });
    }
    throw new ValidationError(BODY_FIELD, 'mime', 'message is not readable MIME', { cause: error });
  }
}
