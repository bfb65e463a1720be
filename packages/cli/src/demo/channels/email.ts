import nodemailer from 'nodemailer';
import type { DemoCustomer } from '../customers.js';

const SUBJECTS: Record<string, string> = {
  complaint: 'Still waiting for my refund — third time asking',
  'after-sales': 'Replacement part for order 58213',
  sales: 'Question about the business plan pricing',
  general: 'Opening hours over the holidays?',
};

/**
 * An email delivered over SMTP to ingest-email (port 2525), the way a mail relay hands it over:
 * plain SMTP on loopback, `Content-Language` telling the router who can answer it.
 * @throws Error when the listener refuses the message (e.g. 451 while NATS is down).
 */
export async function sendEmail(host: string, port: number, customer: DemoCustomer): Promise<void> {
  const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true, pool: false });
  try {
    await transport.sendMail({
      from: `"${customer.name}" <${customer.email}>`,
      to: 'support@switchboard.example',
      subject: SUBJECTS[customer.intent] ?? SUBJECTS.general!,
      text: `Hello,\n\n${customer.summary}\n\nThanks,\n${customer.name}\n`,
      headers: { 'Content-Language': customer.language },
    });
  } finally {
    transport.close();
  }
}
