import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Channel, RoutingEvent } from '@switchboard/contracts';
import { createIngestTestBed, publishRoutingBatch, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { emailContactId } from './email-mapper.js';
import { mailer, startEmailApp, type RunningEmailApp } from './test-support.js';

describe('a reply prefers the agent who last handled its conversation', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  let sequence = 0;
  beforeEach(async () => {
    bed = await createIngestTestBed('mailagent');
    app = await startEmailApp(bed);
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  /** Publishes an `OfferAccepted` on ROUTING exactly as the router's outbox relay does: in a batch, after the offer that led to it. */
  async function accepted(contactId: string, agentId: string, channel = Channel.CHANNEL_EMAIL): Promise<void> {
    const event = (body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
      id: `${bed.scope.domain}:${++sequence}`, domain: bed.scope.domain, sequence, occurredAt: new Date(), contactId, agentId, queueId: 'email-general', channel, ...body,
    });
    await publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, [event({ offered: { reservationToken: 1 } })], [event({ accepted: { reservationToken: 1, waitSeconds: 12 } })]);
  }

  const arrivedWith = async (messageId: string) => (await bed.records()).find((r) => r.record.arrived?.channelIds?.messageId === messageId)?.record.arrived;

  it('learns the agent from the acceptance of the root contact and sets preferredAgentId on the reply', async () => {
    const send = (mail: Record<string, unknown>) => mailer(app.smtpPort).sendMail({ from: 'ana@example.net', to: 'support@switchboard.test', text: 'x', ...mail });
    await send({ subject: 'Refund', messageId: '<root.1@example.net>' });
    const root = await arrivedWith('<root.1@example.net>');
    expect(root?.preferredAgentId).toBe('');

    // Another channel's acceptance of an unrelated contact changes nothing.
    await accepted('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'agent-chat', Channel.CHANNEL_CHAT);
    await accepted(root!.id, 'agent-7');
    await expect.poll(async () => (await app.agents.lastAgent(root!.conversationId))?.agentId).toBe('agent-7');

    await send({ subject: 'Re: Refund', messageId: '<reply.1@example.net>', inReplyTo: '<root.1@example.net>', references: ['<root.1@example.net>'] });
    const reply = await arrivedWith('<reply.1@example.net>');
    expect(reply).toMatchObject({ conversationId: root?.id, preferredAgentId: 'agent-7' });

    // The reply was transferred and taken by someone else: the next reply prefers them.
    await accepted(reply!.id, 'agent-9');
    await expect.poll(async () => (await app.agents.lastAgent(root!.conversationId))?.agentId).toBe('agent-9');
    await send({ subject: 'Re: Refund', messageId: '<reply.2@example.net>', references: ['<root.1@example.net>', '<reply.1@example.net>'] });
    expect((await arrivedWith('<reply.2@example.net>'))?.preferredAgentId).toBe('agent-9');
  });

  it('keeps what it learned across a restart, and a replayed older event does not win', async () => {
    await mailer(app.smtpPort).sendMail({ from: 'ana@example.net', to: 'support@switchboard.test', subject: 'Hi', text: 'x', messageId: '<root.2@example.net>' });
    const rootId = emailContactId(bed.scope.domain, '<root.2@example.net>');
    await accepted(rootId, 'agent-1');
    await accepted(rootId, 'agent-2');
    await expect.poll(async () => (await app.agents.lastAgent(rootId))?.agentId).toBe('agent-2');
    // An old event redelivered or replayed (lower sequence) must not undo the later one.
    expect(await app.agents.recordAgent(rootId, { agentId: 'agent-1', sequence: 1, at: Date.now() })).toBe(false);

    await app.close({ keepBuckets: true });
    app = await startEmailApp(bed, { buckets: app.buckets });
    await mailer(app.smtpPort).sendMail({ from: 'ana@example.net', to: 'support@switchboard.test', subject: 'Re: Hi', text: 'y', messageId: '<reply.3@example.net>', inReplyTo: '<root.2@example.net>' });
    expect(await arrivedWith('<reply.3@example.net>')).toMatchObject({ conversationId: rootId, preferredAgentId: 'agent-2' });
  });
});
