import { describe, expect, it } from 'vitest';
import { parseInboundEmail } from './mime.js';
import { extractMessageIds, threadPosition } from './threading.js';

describe('threading', () => {
  it('extracts ids from single, folded and Outlook comma-separated headers', () => {
    expect(extractMessageIds(' <a@x>')).toEqual(['<a@x>']);
    expect(extractMessageIds(' <a@x>\r\n\t<b@y>\r\n <c@z>')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(extractMessageIds(' <a@x>,<b@y>, <c@z>')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(extractMessageIds(' garbage without ids')).toEqual([]);
  });

  it('roots a conversation at the first reference, else In-Reply-To, else itself', () => {
    expect(threadPosition({ messageId: '<c>', references: ['<a>', '<b>'], inReplyTo: ['<b>'] })).toEqual({ rootMessageId: '<a>', earlierMessageIds: ['<a>', '<b>'], isReply: true });
    expect(threadPosition({ messageId: '<c>', references: [], inReplyTo: ['<b>'] })).toMatchObject({ rootMessageId: '<b>', isReply: true });
    expect(threadPosition({ messageId: '<c>', references: [], inReplyTo: [] })).toEqual({ rootMessageId: '<c>', earlierMessageIds: [], isReply: false });
  });

  it('reads threading headers from raw MIME in every shape mail arrives in', async () => {
    const mime = (references: string) => Buffer.from(`From: Ana <ana@example.net>\r\nTo: support@x.test\r\nMessage-ID: <m@x>\r\nIn-Reply-To: <p@x>\r\nReferences:${references}\r\nSubject: Re: hi\r\n\r\nbody\r\n`);
    for (const refs of [' <r@x> <p@x>', ' <r@x>\r\n <p@x>', ' <r@x>,<p@x>', ' <r@x>, <p@x>']) {
      const email = await parseInboundEmail(mime(refs));
      expect(email.thread).toEqual({ rootMessageId: '<r@x>', earlierMessageIds: ['<r@x>', '<p@x>'], isReply: true });
    }
  });

  it('derives a stable Message-ID for mail without one', async () => {
    const raw = Buffer.from('From: ana@example.net\r\nSubject: no id\r\n\r\nhi\r\n');
    const first = await parseInboundEmail(raw);
    expect(first.messageId).toMatch(/^<[0-9a-f]{40}@switchboard\.invalid>$/);
    expect((await parseInboundEmail(raw)).messageId).toBe(first.messageId);
  });
});
