import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactPublisher } from '@switchboard/ingest-kit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { mailer, signedHeaders, startEmailApp, type RunningEmailApp } from './test-support.js';

/** The bed's publisher, counting what reaches it. */
function countingPublisher(inner: ContactPublisher): ContactPublisher & { calls: number } {
  const counting = {
    calls: 0,
    publishContact: (...args: Parameters<ContactPublisher['publishContact']>) => { counting.calls += 1; return inner.publishContact(...args); },
    publishContactUpdate: (...args: Parameters<ContactPublisher['publishContactUpdate']>) => { counting.calls += 1; return inner.publishContactUpdate(...args); },
  };
  return counting;
}

describe('Message-ID ledger: SMTP retries days later are answered without publishing', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  let publisher: ReturnType<typeof countingPublisher>;
  beforeEach(async () => {
    bed = await createIngestTestBed('mailledger');
    publisher = countingPublisher(bed.publisher);
    app = await startEmailApp(bed, { publisher });
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  it('records a Message-ID after the ack and answers its retries, over SMTP and HTTP, from the ledger', async () => {
    const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'Late retry', text: 'x', messageId: '<late@example.net>' };
    const first = await mailer(app.smtpPort).sendMail(mail);
    expect(publisher.calls).toBe(1);
    const entry = await app.ledger.lookup('<late@example.net>');
    expect(entry?.contactId).toBeTruthy();
    expect(first.response).toContain(entry!.contactId);

    // The MTA never heard our 250 and retries (after JetStream's window, in production).
    const retry = await mailer(app.smtpPort).sendMail(mail);
    expect(retry.response).toMatch(new RegExp(`^250 .*${entry!.contactId}`));
    const webhook = await fetch(`${app.httpUrl}/v1/inbound-email`, {
      method: 'POST', headers: { 'content-type': 'message/rfc822', ...signedHeaders() },
      body: 'From: ana@example.net\r\nSubject: Late retry\r\nMessage-ID: <late@example.net>\r\n\r\nx\r\n',
    });
    expect(webhook.status).toBe(202);
    expect(await webhook.json()).toEqual({ ...entry, duplicate: true });
    expect(publisher.calls).toBe(1);
    expect(await bed.messageCount()).toBe(1);
  });

  it('records nothing when the contact was not stored, so the retry publishes', async () => {
    const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'x', text: 'x', messageId: '<unstored@example.net>' };
    const failing = { ...publisher, publishContact: () => Promise.reject(new Error('bus refused')) };
    const broken = await startEmailApp(bed, { publisher: failing, buckets: app.buckets });
    try {
      await expect(mailer(broken.smtpPort).sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      await broken.close({ keepBuckets: true });
    }
    expect(await app.ledger.lookup('<unstored@example.net>')).toBeUndefined();
    await mailer(app.smtpPort).sendMail(mail);
    expect(await bed.messageCount()).toBe(1);
  });

  it('lets entries expire with the bucket TTL', async () => {
    // Long enough that the entry is surely still there right after the send on a loaded machine;
    // JetStream then expires it on its own timer, so the poll allows several TTLs.
    const short = await startEmailApp(bed, { publisher, ledgerTtlMs: 3_000 });
    try {
      const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'x', text: 'x', messageId: '<ttl@example.net>' };
      await mailer(short.smtpPort).sendMail(mail);
      expect(await short.ledger.lookup('<ttl@example.net>')).toBeDefined();
      await expect.poll(() => short.ledger.lookup('<ttl@example.net>'), { timeout: 20_000, interval: 250 }).toBeUndefined();
    } finally {
      await short.close();
    }
  });
});
