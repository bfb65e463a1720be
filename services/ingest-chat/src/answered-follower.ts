import type { Logger } from 'pino';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel } from '@switchboard/contracts';
import { followRoutingEvents, OFFER_ACCEPTED_EVENT, type IngestBus } from '@switchboard/ingest-kit';
import type { ChatSessionStore } from './session-store.js';

/**
 * Marks a chat session answered when the router reports that an agent accepted its contact
 * (`OfferAccepted` on ROUTING), so a visitor leaving afterwards ENDS the contact instead of
 * abandoning it. One durable consumer per domain, shared by the replicas; the flag lives in the
 * session bucket, so every replica's abandonment check sees it.
 */
export function followAnsweredChats(deps: { bus: IngestBus; domain: string; sessions: ChatSessionStore; logger: Logger }): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'answered-follower' });
  return followRoutingEvents({
    bus: deps.bus,
    domain: deps.domain,
    event: OFFER_ACCEPTED_EVENT,
    durable: `ingest-chat-${deps.domain}-accepted`,
    logger: deps.logger,
    async handle(event) {
      if (event.channel !== Channel.CHANNEL_CHAT || !event.contactId) return;
      const sessionId = await deps.sessions.markAnswered(event.contactId);
      if (sessionId) log.info({ sessionId, contactId: event.contactId, agentId: event.agentId }, 'chat answered');
    },
  });
}
