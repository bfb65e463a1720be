import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { mailer, signedHeaders, smtpCode, startEmailApp, type RunningEmailApp } from './test-support.js';

describe('email ingestion through a NATS outage', () => {
  let server: PrivateServer;
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeAll(async () => {
    server = await startPrivateNats();
    bed = await createIngestTestBed('mailout', { server });
    app = await startEmailApp(bed);
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
    await server.destroy();
  });

  it('answers SMTP 451 and HTTP 503 while NATS is down, and stores the retries once it is back', async () => {
    const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'During outage', text: 'x', messageId: '<outage.smtp@example.net>' };
    const raw = 'From: ana@example.net\r\nSubject: hook\r\nMessage-ID: <outage.http@example.net>\r\n\r\nx\r\n';
    const postRaw = () => fetch(`${app.httpUrl}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...signedHeaders() }, body: raw });

    await server.kill();
    await expect.poll(() => bed.bus.isConnected(), { timeout: 5_000 }).toBe(false);
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail(mail))).toBe(451);
    const refused = await postRaw();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await server.restart();
    // The sending MTA and the webhook platform retry until they hear success; so does the test.
    await expect.poll(() => smtpCode(() => mailer(app.smtpPort).sendMail(mail)), { timeout: 10_000, interval: 200 }).toBe(250);
    await expect.poll(async () => (await postRaw()).status, { timeout: 10_000, interval: 200 }).toBe(202);
    const ids = (await bed.records()).map((r) => r.record.arrived?.channelIds?.messageId).sort();
    expect(ids).toEqual(['<outage.http@example.net>', '<outage.smtp@example.net>']);
  });
});
