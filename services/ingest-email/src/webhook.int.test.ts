import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { signedHeaders, startEmailApp, type RunningEmailApp } from './test-support.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const mime = (id: string, extra = '') => `From: Ana <ana@example.net>\r\nTo: support@switchboard.test\r\nSubject: Webhook mail\r\nMessage-ID: ${id}\r\n${extra}\r\nHello\r\n`;
const signed = (timestampSeconds = NOW_SECONDS, token?: string) => signedHeaders({ timestampSeconds, ...(token ? { token } : {}) });

describe('inbound-email webhook', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeEach(async () => {
    bed = await createIngestTestBed('mailhook');
    app = await startEmailApp(bed, { maxBytes: 16 * 1024, now: () => NOW, nowSeconds: () => NOW_SECONDS });
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

  it('answers 401 unsigned, 403 forged or outside the window, 413 oversized, 400 without From', async () => {
    const unsigned = await post(mime('<a@x>'), {});
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: expect.stringMatching(/X-Mailgun-Signature are required/) });
    const forged = await post(mime('<a@x>'), { ...signed(), 'x-mailgun-signature': '0'.repeat(64) });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: expect.stringMatching(/does not verify/) });
    const otherKey = await post(mime('<a@x>'), signedHeaders({ timestampSeconds: NOW_SECONDS, key: 'another-tenants-key' }));
    expect(otherKey.status).toBe(403);
    for (const skew of [-301, 301]) {
      const stale = await post(mime('<a@x>'), signed(NOW_SECONDS + skew));
      expect(stale.status).toBe(403);
      expect(await stale.json()).toMatchObject({ error: expect.stringMatching(/from the server's clock/) });
    }
    expect((await post(mime('<a@x>') + 'x'.repeat(20 * 1024), signed())).status).toBe(413);
    const noFrom = await post('Subject: x\r\n\r\nbody', signed());
    expect(noFrom.status).toBe(400);
    expect(await noFrom.json()).toMatchObject({ field: 'From', rule: 'required' });
    const json = await post('{"a":1}', signed(), 'application/json');
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ rule: 'content_type' });
    expect(await bed.messageCount()).toBe(0);
  });

  it('refuses a replayed signature with another body (403, nothing published) and admits the same delivery again', async () => {
    const headers = signed(NOW_SECONDS, 'a'.repeat(50));
    expect((await post(mime('<r1@example.net>'), headers)).status).toBe(202);
    // Someone who saw the headers posts their own message with them.
    const replayed = await post(mime('<forged@example.net>'), headers);
    expect(replayed.status).toBe(403);
    expect(await replayed.json()).toMatchObject({ error: expect.stringMatching(/already used with another body/) });
    // The platform's retry of the same delivery (same token, same bytes) is deduplicated, not refused.
    expect(await (await post(mime('<r1@example.net>'), headers)).json()).toMatchObject({ duplicate: true });
    expect((await bed.records()).map((r) => r.record.arrived?.channelIds?.messageId)).toEqual(['<r1@example.net>']);
  });

  it('refuses a 10 MB deeply nested JSON body by its signature without reading or parsing it', async () => {
    const bomb = '['.repeat(5_000_000) + ']'.repeat(5_000_000);
    for (const url of ['/v1/conversations/close', '/v1/inbound-email']) {
      for (const headers of [{}, { ...signed(), 'x-mailgun-signature': 'f'.repeat(64) }]) {
        const parse = JSON.parse;
        let parsed = 0;
        JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => { parsed++; return parse(text, reviver); }) as typeof JSON.parse;
        const started = performance.now();
        try {
          const res = await app.http.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: bomb });
          expect(res.statusCode).toBe(Object.keys(headers).length === 0 ? 401 : 403);
        } finally {
          JSON.parse = parse;
        }
        expect(parsed).toBe(0);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
    }
    // Over a real socket too: the platform hears the 401 and nothing parses its body.
    const started = performance.now();
    const viaSocket = await fetch(`${app.httpUrl}/v1/conversations/close`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bomb });
    expect(viaSocket.status).toBe(401);
    expect(performance.now() - started).toBeLessThan(2_000);
    // Signed, the close route still refuses it by size before parsing (its body is one id).
    const res = await app.http.inject({ method: 'POST', url: '/v1/conversations/close', headers: { 'content-type': 'application/json', ...signed() }, payload: bomb });
    expect(res.statusCode).toBe(413);
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
    expect((await close({ conversationId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).status).toBe(404);
    expect(await (await close({ conversationId: 'no such thread' })).json()).toMatchObject({ field: 'conversationId', rule: 'invalid_format' });
    expect((await close({})).status).toBe(400);
    expect((await close({ conversationId: first.conversationId }, { ...signed(), 'x-mailgun-signature': '0'.repeat(64) })).status).toBe(403);
    expect((await close({ conversationId: first.conversationId }, {})).status).toBe(401);
  });
});

describe('inbound-email webhook without a signing key', () => {
  it('does not exist: SMTP only, the routes answer 404, probes answer', async () => {
    const bed = await createIngestTestBed('mailnokey');
    const app = await startEmailApp(bed, { signingKey: false });
    try {
      for (const url of ['/v1/inbound-email', '/v1/conversations/close']) {
        const res = await fetch(`${app.httpUrl}${url}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: mime('<nokey@x>') });
        expect(res.status).toBe(404);
      }
      expect((await fetch(`${app.httpUrl}/healthz`)).status).toBe(200);
      expect(await bed.messageCount()).toBe(0);
    } finally {
      await app.close();
      await bed.close();
    }
  });
});
