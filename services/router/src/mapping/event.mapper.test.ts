import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { routingEventType } from '@switchboard/router-api';
import type { QaReviewScored } from '@switchboard/routing-core';
import { describe, expect, it } from 'vitest';
import { eventToProto } from './event.mapper.js';

describe('eventToProto: QaReviewScored', () => {
  const event: QaReviewScored = {
    type: 'QaReviewScored', id: 'd1:9', seq: 9, atMs: 1_700_000_000_000, ruleVersion: 'r1', by: 'sup-1',
    contactId: 'c-1', agentId: 'a-1', queueId: 'complaints', channel: 'wechat',
    score: 82.5, reviewer: 'sup-1', formId: 'form-basic', comment: 'polite, slow to resolve',
    criteria: [{ criterion: 'greeting', points: 10, maxPoints: 10 }, { criterion: 'resolution', points: 12.5, maxPoints: 20 }],
  };

  it('carries the score, the reviewer as `by`, and the contact, agent and queue reviewed', () => {
    const wire = ProtoEvent.decode(ProtoEvent.encode(eventToProto('d1', event)).finish());
    expect(routingEventType(wire)).toBe('QaReviewScored');
    expect(wire).toMatchObject({ contactId: 'c-1', agentId: 'a-1', queueId: 'complaints', by: 'sup-1', sequence: 9 });
    expect(wire.qaReviewScored).toEqual({
      score: 82.5, reviewer: 'sup-1', formId: 'form-basic', comment: 'polite, slow to resolve',
      criteria: [{ criterion: 'greeting', points: 10, maxPoints: 10 }, { criterion: 'resolution', points: 12.5, maxPoints: 20 }],
    });
  });
});
