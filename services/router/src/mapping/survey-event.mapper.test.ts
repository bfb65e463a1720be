import { describe, expect, it } from 'vitest';
import { Channel, RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { routingEventType } from '@switchboard/router-api';
import { eventToProto } from './event.mapper.js';

const base = { id: 'd1:7', seq: 7, atMs: 1_000_000, ruleVersion: 'r1', contactId: 'c1', queueId: 'q1', channel: 'email' as const,
  arrivedAtMs: 1_000, enqueuedAtMs: 2_000, agentId: 'a1' };

describe('survey events on the wire', () => {
  it('SurveyAnswered carries score, comment, channel and answer time, with contact, agent and queue', () => {
    const wire = ProtoEvent.decode(ProtoEvent.encode(eventToProto('d1', { ...base, type: 'SurveyAnswered', score: 4, comment: 'quick', answeredAtMs: 999_000 })).finish());
    expect(routingEventType(wire)).toBe('SurveyAnswered');
    expect([wire.contactId, wire.agentId, wire.queueId]).toEqual(['c1', 'a1', 'q1']);
    expect(wire.surveyAnswered).toEqual({ score: 4, comment: 'quick', channel: Channel.CHANNEL_EMAIL, answeredAt: new Date(999_000) });
  });

  it('SurveyOffered carries its expiry and language', () => {
    const wire = eventToProto('d1', { ...base, type: 'SurveyOffered', expiresAtMs: 5_000_000, language: 'zh-CN', text: '请评分' });
    expect(routingEventType(wire)).toBe('SurveyOffered');
    expect(wire.surveyOffered).toEqual({ expiresAt: new Date(5_000_000), language: 'zh-CN', text: '请评分' });
  });
});
