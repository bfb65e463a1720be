import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { generateTestCa, type TestCa } from '@switchboard/testkit';
import { smtpTlsFromEnv } from './smtp-tls.js';
import { startEmailApp, type RunningEmailApp } from './test-support.js';

const mail = (n: number) => ({ from: 'ana@example.net', to: 'support@switchboard.test', subject: `tls ${n}`, text: 'hello', messageId: `<tls.${n}.${Date.now()}@example.net>` });

describe('SMTP STARTTLS with a generated CA (SMTP_TLS_CERT / SMTP_TLS_KEY)', () => {
  let ca: TestCa;
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeAll(async () => {
    ca = generateTestCa();
    const cert = ca.issue('mx.switchboard.test');
    bed = await createIngestTestBed('smtptls');
    process.env.SMTP_TLS_CERT = cert.certFile;
    process.env.SMTP_TLS_KEY = cert.keyFile;
    try {
      app = await startEmailApp(bed);
    } finally {
      delete process.env.SMTP_TLS_CERT;
      delete process.env.SMTP_TLS_KEY;
    }
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
    ca.cleanup();
  });

  it('negotiates STARTTLS with a client that trusts the CA and requires TLS, and takes the mail', async () => {
    const transport = nodemailer.createTransport({ host: 'localhost', port: app.smtpPort, secure: false, requireTLS: true, tls: { ca: ca.ca } });
    // requireTLS: nodemailer fails the send unless STARTTLS is offered and the upgrade verifies.
    const info = await transport.sendMail(mail(1));
    expect(info.response).toMatch(/^250 /);
    await expect.poll(async () => (await bed.records()).length).toBe(1);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const transport = nodemailer.createTransport({ host: 'localhost', port: app.smtpPort, secure: false, requireTLS: true });
    await expect(transport.sendMail(mail(2))).rejects.toThrow(/unable to verify the first certificate|self-signed/);
  });

  it('refuses half a setting, naming the variable', () => {
    expect(() => smtpTlsFromEnv({ SMTP_TLS_CERT: ca.caFile })).toThrow(/SMTP_TLS_CERT and SMTP_TLS_KEY go together/);
    expect(() => smtpTlsFromEnv({ SMTP_TLS_CERT: '/nope', SMTP_TLS_KEY: '/nope' })).toThrow(/SMTP_TLS_CERT: cannot read \/nope/);
    expect(smtpTlsFromEnv({})).toBeUndefined();
  });
});
