import type { Logger } from 'pino';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel } from '@switchboard/contracts';
import { followRoutingEvents, OFFER_ACCEPTED_EVENT, type IngestBus } from '@switchboard/ingest-kit';
import type { ConversationAgents } from './conversation-agents.js';

/**
 * Learns who handles each email conversation from the router's `OfferAccepted` events, so a
 * reply can prefer that agent. Events of other channels, and of contacts this service did not
 * ingest (or whose record expired), are skipped. One durable consumer per domain, shared by the
 * replicas.
 */
export function followEmailAgents(deps: { bus: IngestBus; domain: string; agents: ConversationAgents; logger: Logger }): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'agent-follower' });
  return followRoutingEvents({
    bus: deps.bus,
    domain: deps.domain,
    event: OFFER_ACCEPTED_EVENT,
    durable: `ingest-email-${deps.domain}-accepted`,
    logger: deps.logger,
    async handle(event) {
      if (event.channel !== Channel.CHANNEL_EMAIL || !event.agentId || !event.contactId) return;
      const conversationId = await deps.agents.conversationOf(event.contactId);
      if (conversationId === undefined) return;
      const changed = await deps.agents.recordAgent(conversationId, {
        agentId: event.agentId,
        sequence: event.sequence,
        at: event.occurredAt?.getTime() ?? 0,
      });
      if (changed) log.debug({ contactId: event.contactId, conversationId, agentId: event.agentId }, 'conversation agent recorded');
    },
  });
}
