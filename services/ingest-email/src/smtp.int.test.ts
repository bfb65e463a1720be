import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { mailer, sendRaw, smtpCode, smtpDialog, SmtpSession, startEmailApp, type RunningEmailApp } from './test-support.js';

describe('SMTP listener with nodemailer as the client', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  beforeEach(async () => {
    bed = await createIngestTestBed('smtp');
    app = await startEmailApp(bed, { maxBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  it('turns a delivered mail into a contact, with attachments as metadata only', async () => {
    const info = await mailer(app.smtpPort).sendMail({
      from: '"Ana Cliente" <ana@example.net>',
      to: 'support@switchboard.test',
      subject: 'Invoice 42 is wrong',
      text: 'Hello, my invoice is wrong.',
      messageId: '<first.1@example.net>',
      headers: { 'Content-Language': 'pt-BR' },
      attachments: [{ filename: 'invoice.pdf', content: Buffer.alloc(2048, 7), contentType: 'application/pdf' }],
    });
    expect(info.response).toMatch(/^250 /);
    const [stored] = await bed.records();
    expect(stored?.msgId).toBe(`${bed.scope.domain}/email/<first.1@example.net>`);
    const contact = stored?.record.arrived;
    expect(contact).toMatchObject({
      summary: 'Invoice 42 is wrong',
      customer: { emailAddress: 'ana@example.net', displayName: 'Ana Cliente', language: 'pt-BR' },
      channelIds: { messageId: '<first.1@example.net>', toAddress: 'support@switchboard.test' },
      attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', sizeBytes: 2048 }],
      historyContactIds: [],
    });
    expect(contact?.conversationId).toBe(contact?.id);
  });

  it('puts a reply (In-Reply-To and References) into the conversation of the thread root', async () => {
    const transport = mailer(app.smtpPort);
    const base = { from: 'ana@example.net', to: 'support@switchboard.test', text: 'x' };
    await transport.sendMail({ ...base, subject: 'Help', messageId: '<root@example.net>' });
    await transport.sendMail({ ...base, subject: 'Re: Help', messageId: '<r1@example.net>', inReplyTo: '<agent.1@switchboard.test>', references: ['<root@example.net>', '<agent.1@switchboard.test>'] });
    await transport.sendMail({ ...base, subject: 'Re: Help', messageId: '<r2@example.net>', inReplyTo: '<root@example.net>' });
    const [root, reply, replyWithoutReferences] = (await bed.records()).map((r) => r.record.arrived);
    expect(reply?.conversationId).toBe(root?.id);
    expect(replyWithoutReferences?.conversationId).toBe(root?.id);
    expect(reply?.historyContactIds[0]).toBe(root?.id);
    expect(reply?.attributes).toContainEqual({ key: 'email.isReply', value: 'true' });
  });

  it('stores the same Message-ID once, and answers 250 to the retry', async () => {
    const mail = { from: 'ana@example.net', to: 'support@switchboard.test', subject: 'Twice', text: 'x', messageId: '<twice@example.net>' };
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail(mail))).toBe(250);
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail(mail))).toBe(250);
    expect(await bed.messageCount()).toBe(1);
  });

  it('answers 552 to an oversized message, declared at MAIL FROM or not', async () => {
    const big = `From: ana@example.net\r\nTo: support@switchboard.test\r\nSubject: big\r\nMessage-ID: <big@example.net>\r\n\r\n${'x'.repeat(100 * 1024)}\r\n`;
    // Declared: refused at MAIL FROM, before any byte of the message.
    const declared = await smtpDialog(app.smtpPort, ['EHLO mta.example.net', 'MAIL FROM:<ana@example.net> SIZE=200000', 'QUIT']);
    expect(declared).toEqual([250, 552, 221]);
    // Undeclared: the stream goes over the limit, and the answer after DATA is 552.
    expect(await sendRaw(app.smtpPort, big)).toBe(552);
    expect(await smtpCode(() => mailer(app.smtpPort).sendMail({ from: 'ana@example.net', to: 'support@switchboard.test', text: 'y'.repeat(100 * 1024) }))).toBe(552);
    expect(await bed.messageCount()).toBe(0);
  });

  it('refuses a message without a From address with a permanent 550', async () => {
    expect(await sendRaw(app.smtpPort, 'Subject: no sender\r\n\r\nhello\r\n')).toBe(550);
    expect(await bed.messageCount()).toBe(0);
  });

  it('takes 50 recipients per transaction and answers each one past them 452 4.5.3; the message is stored once', async () => {
    const session = await SmtpSession.open(app.smtpPort);
    try {
      expect(await session.command('MAIL FROM:<ana@example.net>')).toBe(250);
      const codes = [];
      for (let i = 0; i < 60; i++) codes.push(await session.command(`RCPT TO:<agent${i}@switchboard.test>`));
      expect(codes.filter((c) => c === 250)).toHaveLength(50);
      expect(codes.slice(50)).toEqual(Array(10).fill(452));
      expect(await session.command('RSET')).toBe(250);
      // The MTA delivers to the accepted ones, then sends the rest in a second transaction.
      const message = 'From: ana@example.net\r\nMessage-ID: <many.rcpt@example.net>\r\nSubject: all of you\r\n\r\nx';
      expect(await session.send(message, Array.from({ length: 50 }, (_, i) => `agent${i}@switchboard.test`))).toBe(250);
      expect(await session.send(message, Array.from({ length: 10 }, (_, i) => `agent${50 + i}@switchboard.test`))).toBe(250);
    } finally {
      await session.close();
    }
    expect(await bed.messageCount()).toBe(1);
  });

  it('refuses permanently (550) a message of more than 1,000 MIME parts, and caps a huge References to fit the bus', async () => {
    let parts = 'From: ana@example.net\r\nMessage-ID: <parts@example.net>\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n';
    for (let i = 0; i < 1_001; i++) parts += `--B\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`;
    const session = await SmtpSession.open(app.smtpPort);
    try {
      expect(await session.send(`${parts}--B--\r\n`)).toBe(550);
      // 2,000 References ids (about 50 KB, folded) used to make a contact larger than NATS takes.
      const ids = Array.from({ length: 2_000 }, (_, i) => `<ref.${i}@example.net>`);
      expect(await session.send(`From: ana@example.net\r\nMessage-ID: <refs@example.net>\r\nReferences: ${ids.join('\r\n ')}\r\n\r\nx`)).toBe(250);
    } finally {
      await session.close();
    }
    const [stored] = await bed.records();
    const contact = stored!.record.arrived!;
    expect(contact.historyContactIds).toHaveLength(50);
    // The root stays the root (the conversation), and the newest ids are the ones kept.
    expect(contact.conversationId).not.toBe(contact.id);
    expect(contact.historyContactIds[0]).toBe(contact.conversationId);
  });
});
