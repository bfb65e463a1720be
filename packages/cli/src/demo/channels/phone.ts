import { createHmac, randomUUID } from 'node:crypto';
import type { DemoCustomer } from '../customers.js';

/**
 * A call arriving through the generic telephony webhook (`POST /v1/contacts` on ingest-phone), as
 * an Asterisk or FreeSWITCH adapter would send it: JSON signed with HMAC-SHA256 of
 * `<timestamp>.<raw body>` under `PHONE_WEBHOOK_SECRET` in `x-switchboard-signature`, the Unix
 * seconds in `x-switchboard-timestamp`.
 * @throws Error when the service does not answer 202.
 */
export async function placeCall(baseUrl: string, secret: string, customer: DemoCustomer): Promise<string> {
  const body = JSON.stringify({
    callId: `demo-${randomUUID()}`,
    event: 'arrived',
    callerNumber: customer.phone,
    dialledNumber: '+861012345678',
    platform: 'demo',
    ...(customer.tier ? { tier: customer.tier } : {}),
    ivr: { language: customer.language, intent: customer.intent },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  const response = await fetch(`${baseUrl}/v1/contacts`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signature },
  });
  const answer = (await response.json()) as { contactId?: string; error?: string };
  if (response.status !== 202 || !answer.contactId) throw new Error(`phone ${response.status}: ${answer.error ?? 'no contact id'}`);
  return answer.contactId;
}
