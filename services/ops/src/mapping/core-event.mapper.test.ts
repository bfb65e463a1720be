import { Channel, RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { coreEventFromProto } from './core-event.mapper.js';

describe('coreEventFromProto: QaReviewScored', () => {
  it('gives the core event with the reviewer, the agent reviewed and every criterion', () => {
    const wire = ProtoEvent.fromPartial({
      id: 'd1:9', sequence: 9, occurredAt: new Date(1_700_000_000_000), ruleVersion: 'r1', by: 'sup-1',
      contactId: 'c-1', agentId: 'a-1', queueId: 'complaints', channel: Channel.CHANNEL_PHONE,
      qaReviewScored: { score: 40, reviewer: 'sup-1', formId: 'f', comment: '', criteria: [{ criterion: 'empathy', points: 4, maxPoints: 10 }] },
    });
    expect(coreEventFromProto(wire)).toEqual({
      type: 'QaReviewScored', id: 'd1:9', seq: 9, atMs: 1_700_000_000_000, ruleVersion: 'r1', by: 'sup-1',
      contactId: 'c-1', agentId: 'a-1', queueId: 'complaints', channel: 'phone',
      score: 40, reviewer: 'sup-1', formId: 'f', comment: '', criteria: [{ criterion: 'empathy', points: 4, maxPoints: 10 }],
    });
  });
});
