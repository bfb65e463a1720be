import type { JetStreamClient } from 'nats';
import { Channel, Contact, ContactRecord } from '@switchboard/contracts';
import { contactsSubject, publishDurable, type BusNames } from '@switchboard/bus';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publishes contacts to CONTACTS as ingestion does: each one until JetStream acknowledges it
 * (a platform retries a 5xx), with its id as Nats-Msg-Id so retries are deduplicated.
 */
export async function pumpContacts(js: JetStreamClient, names: BusNames, plan: { domain: string; id: string }[], options: { concurrency?: number; ratePerSecond?: number; onPublished?: (id: string, firstAttemptAt: number) => void } = {}): Promise<string[]> {
  const accepted: string[] = [];
  const gapMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++]!;
      if (gapMs) {
        const due = started + accepted.length * gapMs;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const firstAttemptAt = Date.now();
      await publishUntilAcked(js, names, item.domain, item.id);
      accepted.push(item.id);
      options.onPublished?.(item.id, firstAttemptAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return accepted;
}

async function publishUntilAcked(js: JetStreamClient, names: BusNames, domain: string, id: string): Promise<void> {
  const contact = Contact.fromPartial({ id, domain, channel: Channel.CHANNEL_CHAT, receivedAt: new Date(), customer: { id: `cust-${id}` } });
  const data = ContactRecord.encode({ arrived: contact }).finish();
  for (let attempt = 0; ; attempt++) {
    try {
      await publishDurable(js, contactsSubject(names, domain, 'chat'), data, { msgId: id, expectStream: names.contactsStream, timeoutMs: 2_000 });
      return;
    } catch (error) {
      if (attempt > 120) throw error;
      await sleep(250);
    }
  }
}
