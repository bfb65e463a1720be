import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { mailer, signedHeaders, smtpCode, startEmailApp, type RunningEmailApp } from './test-support.js';

const raw = (id: string) => `From: ana@example.net\r\nSubject: hi\r\nMessage-ID: ${id}\r\n\r\nx\r\n`;

describe('email ingestion rate limits', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeEach(async () => {
    bed = await createIngestTestBed('maillimit');
    app = await startEmailApp(bed, { rateLimit: { max: 2, timeWindowMs: 60_000 }, smtpConnectionsPerMinute: 2 });
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  it('answers the webhook 429 with Retry-After past the per-source limit, signed requests counted per account; probes are never limited', async () => {
    const post = (id: string, signed = true) => fetch(`${app.httpUrl}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...(signed ? signedHeaders() : {}) }, body: raw(id) });
    // Unsigned requests from this address use up the address's allowance, not the account's.
    expect((await post('<u1@x>', false)).status).toBe(401);
    expect((await post('<u2@x>', false)).status).toBe(401);
    expect((await post('<u3@x>', false)).status).toBe(429);
    expect((await post('<l1@x>')).status).toBe(202);
    expect((await post('<l2@x>')).status).toBe(202);
    const limited = await post('<l3@x>');
    expect(limited.status).toBe(429);
    const seconds = Number(limited.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ error: 'rate limit exceeded' });
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${app.httpUrl}${path}`)).status).toBe(200);
    expect(await bed.messageCount()).toBe(2);
  });

  it('greets a client over its connection rate with SMTP 421 and the wait, so the MTA retries later', async () => {
    const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'x', text: 'x' };
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail({ ...mail, messageId: '<s1@x>' }))).toBe(250);
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail({ ...mail, messageId: '<s2@x>' }))).toBe(250);
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail({ ...mail, messageId: '<s3@x>' }))).toBe(421);
    // The greeting itself is the refusal: a raw client reads 421 before saying anything.
    const greeting = await smtpGreeting(app.smtpPort);
    expect(greeting).toMatch(/^421 4\.7\.0 Too many connections, try again in \d+ s/);
    expect(await bed.messageCount()).toBe(2);
  });
});

/** The first line the server sends on a fresh connection. */
function smtpGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n');
      if (end !== -1) {
        socket.destroy();
        resolve(text.slice(0, end));
      }
    });
  });
}
