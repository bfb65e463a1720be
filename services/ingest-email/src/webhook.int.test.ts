import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { startEmailApp, type RunningEmailApp } from './test-support.js';

const KEY = 'test-mailgun-signing-key';
const NOW = new Date('2026-11-20T10:00:00Z');
const mime = (id: string, extra = '') => `From: Ana <ana@example.net>\r\nTo: support@switchboard.test\r\nSubject: Webhook mail\r\nMessage-ID: ${id}\r\n${extra}\r\nHello\r\n`;
function signed(timestamp = Math.floor(NOW.getTime() / 1000)): Record<string, string> {
  const token = 'a'.repeat(50);
  return { 'x-mailgun-timestamp': String(timestamp), 'x-mailgun-token': token, 'x-mailgun-signature': createHmac('sha256', KEY).update(`${timestamp}${token}`).digest('hex') };
}

describe('inbound-email webhook', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeEach(async () => {
    bed = await createIngestTestBed('mailhook');
    app = await startEmailApp(bed, { maxBytes: 16 * 1024, webhookSigningKey: KEY, now: () => NOW });
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  const post = (body: string, headers: Record<string, string>, type = 'message/rfc822') =>
    fetch(`${app.httpUrl}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });

  it('accepts signed raw MIME as message/rfc822 or text/plain and deduplicates by Message-ID', async () => {
    const first = await post(mime('<w1@example.net>'), signed());
    expect(first.status).toBe(202);
    const body = (await first.json()) as { contactId: string; conversationId: string; duplicate: boolean };
    expect(body).toMatchObject({ duplicate: false, conversationId: body.contactId });
    expect(await (await post(mime('<w1@example.net>'), signed(), 'text/plain')).json()).toMatchObject({ duplicate: true });
    const reply = await post(mime('<w2@example.net>', 'In-Reply-To: <w1@example.net>\r\n'), signed());
    expect(await reply.json()).toMatchObject({ conversationId: body.contactId });
    expect(await bed.messageCount()).toBe(2);
  });

  it('answers 401 unsigned, 403 forged or stale, 413 oversized, 400 without From', async () => {
    expect((await post(mime('<a@x>'), {})).status).toBe(401);
    expect((await post(mime('<a@x>'), { ...signed(), 'x-mailgun-signature': '0'.repeat(64) })).status).toBe(403);
    expect((await post(mime('<a@x>'), signed(Math.floor(NOW.getTime() / 1000) - 3600))).status).toBe(403);
    expect((await post(mime('<a@x>') + 'x'.repeat(20 * 1024), signed())).status).toBe(413);
    const noFrom = await post('Subject: x\r\n\r\nbody', signed());
    expect(noFrom.status).toBe(400);
    expect(await noFrom.json()).toMatchObject({ field: 'From', rule: 'required' });
    expect((await post('{"a":1}', signed(), 'application/json')).status).toBe(400);
    expect(await bed.messageCount()).toBe(0);
  });

  it('ends the newest contact of a thread the platform closed; 404 for an unknown thread, 403 forged', async () => {
    const first = (await (await post(mime('<t1@example.net>'), signed())).json()) as { contactId: string; conversationId: string };
    const reply = (await (await post(mime('<t2@example.net>', 'In-Reply-To: <t1@example.net>\r\n'), signed())).json()) as { contactId: string };
    const close = (body: unknown, headers = signed()) => fetch(`${app.httpUrl}/v1/conversations/close`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const closed = await close({ conversationId: first.conversationId });
    expect(closed.status).toBe(202);
    expect(await closed.json()).toMatchObject({ contactId: reply.contactId, conversationId: first.conversationId, duplicate: false });
    const update = (await bed.records()).at(-1)!;
    expect(update.subject).toMatch(/\.contacts\.[^.]+\.email$/);
    expect(update.record.update).toMatchObject({ contactId: reply.contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED });
    // The platform's retry is the same record.
    expect(await (await close({ conversationId: first.conversationId })).json()).toMatchObject({ duplicate: true });
    expect((await close({ conversationId: 'no-such-thread' })).status).toBe(404);
    expect((await close({})).status).toBe(400);
    expect((await close({ conversationId: first.conversationId }, { ...signed(), 'x-mailgun-signature': '0'.repeat(64) })).status).toBe(403);
  });
});
