import type { DurableConsumer } from '@switchboard/bus';
import { followRoutingEvents, type IngestBus } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { EmailAcknowledger } from './acknowledger.js';

/**
 * Deliveries of a batch whose acknowledgment keeps failing before it is dead-lettered: at the
 * consumer's 15 s backoff cap, about a day of relay outage. Mail is never dropped on the way:
 * past that the dead-letter stream keeps the batch.
 */
export const ACK_MAX_DELIVER = 5_760;

/** The routing events whose customer is acknowledged, each with its durable consumer. */
const EVENTS = [['ContactRejected', 'ack-rejected'], ['ContactExpired', 'ack-expired']] as const;

/**
 * Follows ContactRejected and ContactExpired of the domain with durable consumers shared by the
 * replicas (`ingest-email-<domain>-ack-rejected` / `-ack-expired`) and acknowledges each email
 * contact among them; a relay failure has the batch redelivered with backoff.
 */
export async function followEmailAcks(deps: { bus: IngestBus; domain: string; acknowledger: EmailAcknowledger; logger: Logger }): Promise<{ stop(): Promise<void> }> {
  const followers: DurableConsumer[] = [];
  const stop = async () => { await Promise.all(followers.map((f) => f.stop())); };
  try {
    for (const [event, suffix] of EVENTS) {
      followers.push(await followRoutingEvents({
        bus: deps.bus,
        domain: deps.domain,
        event,
        durable: `ingest-email-${deps.domain}-${suffix}`,
        logger: deps.logger,
        maxDeliver: ACK_MAX_DELIVER,
        handle: (e) => deps.acknowledger.handle(e),
      }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
