import { simpleParser, type AddressObject, type HeaderLines } from 'mailparser';
import { ValidationError } from '@switchboard/ingest-kit';
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
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true, skipTextToHtml: true });
  const from = firstAddress(parsed.from);
  if (!from) throw new ValidationError('From', 'required', 'From: required');
  if (!ADDRESS.test(from.address)) throw new ValidationError('From', 'invalid_format', 'From: not an email address');
  const messageId = extractMessageIds(rawHeader(parsed.headerLines, 'message-id'))[0] ?? syntheticMessageId(raw);
  const thread = threadPosition({
    messageId,
    references: extractMessageIds(rawHeader(parsed.headerLines, 'references')),
    inReplyTo: extractMessageIds(rawHeader(parsed.headerLines, 'in-reply-to')),
  });
  const language = rawHeader(parsed.headerLines, 'content-language').split(',')[0]?.trim() ?? '';
  return {
    messageId,
    thread,
    fromAddress: from.address,
    fromName: from.name,
    toAddress: firstAddress(parsed.to)?.address ?? '',
    subject: (parsed.subject ?? '').trim(),
    snippet: (parsed.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
    language: LANGUAGE.test(language) ? language : '',
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
  };
}
