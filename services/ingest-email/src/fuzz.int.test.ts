import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { sendRaw, startEmailApp, type RunningEmailApp } from './test-support.js';

/** Messages without a usable From: random text, random headers, and From lines that are not addresses. */
const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,15}$/).filter((name) => name.toLowerCase() !== 'from');
const junkMime = fc.oneof(
  fc.string({ maxLength: 400 }).filter((s) => !/^from:/im.test(s)),
  fc.array(fc.tuple(headerName, fc.string({ maxLength: 60 })), { maxLength: 8 }).map((headers) =>
    headers.map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, ' ')}`).join('\r\n') + '\r\n\r\nbody'),
  fc.stringMatching(/^[^@<>\s,;:"\\]{0,20}$/).map((local) => `From: ${local}\r\nSubject: x\r\n\r\nbody`),
);

describe('email endpoints under fuzzing', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeAll(async () => {
    bed = await createIngestTestBed('mailfuzz');
    app = await startEmailApp(bed, { maxBytes: 8 * 1024, webhookSigningKey: 'k' });
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
  });

  it('answers random signatures with 401/403', async () => {
    await fc.assert(fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (timestamp, token, signature) => {
      const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '');
      const headers = { 'content-type': 'message/rfc822', 'x-mailgun-timestamp': clean(timestamp), 'x-mailgun-token': clean(token), 'x-mailgun-signature': clean(signature) };
      const response = await fetch(`${app.httpUrl}/v1/inbound-email`, { method: 'POST', headers, body: 'From: a@b.c\r\n\r\nx' });
      expect([401, 403]).toContain(response.status);
    }), { numRuns: 100 });
  });

  it('answers malformed MIME with a clear 4xx over HTTP and 5xx permanent over SMTP', async () => {
    const noSignatureApp = await startEmailApp(bed, { maxBytes: 8 * 1024 });
    try {
      await fc.assert(fc.asyncProperty(junkMime, fc.constantFrom('message/rfc822', 'text/plain', 'application/json', 'application/octet-stream'), async (mime, type) => {
        const response = await fetch(`${noSignatureApp.httpUrl}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': type }, body: mime });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }), { numRuns: 100 });
      await fc.assert(fc.asyncProperty(junkMime, async (mime) => {
        expect(await sendRaw(noSignatureApp.smtpPort, `${mime}\r\n`)).toBe(550);
      }), { numRuns: 40 });
    } finally {
      await noSignatureApp.close();
    }
  });

  it('published nothing', async () => {
    expect(await bed.messageCount()).toBe(0);
  });
});
