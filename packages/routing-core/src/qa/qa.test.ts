import { describe, expect, it } from 'vitest';
import { agentProfile, contactInput, EngineHarness, queueConfig } from '../testing/fixtures.js';
import { isRoutingError } from '../errors.js';
import { inPercentSample, sampleAtCompletion, sampleOnSurvey, samplingBucket } from './sampling.js';
import { qaTotal } from './score.js';
import type { QaSamplingRule } from './sampling.js';
import type { SurveyAnswered } from '../model/event.js';
import { afterEvents } from '../core/after-outcome.js';
import { upsertQueue } from '../core/queue-config.js';
import { EngineState } from '../core/state.js';

describe('quality sampling rule', () => {
  it('marks a stable share of contacts by a hash of their id: the same ids every time, near the percentage over many', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `contact-${i}`);
    const marked = ids.filter((id) => inPercentSample(id, 5));
    // 5 % of 20,000 is 1,000; a fair hash stays within a few standard deviations (√950 ≈ 31).
    expect(marked.length).toBeGreaterThan(880);
    expect(marked.length).toBeLessThan(1_120);
    expect(ids.filter((id) => inPercentSample(id, 5))).toEqual(marked);
    // FNV-1a of "a" is 0xe40c292c = 3826002220; its bucket is that mod 10,000.
    expect(samplingBucket('a')).toBe(3_826_002_220 % 10_000);
    expect(ids.some((id) => inPercentSample(id, 0))).toBe(false);
    expect(ids.every((id) => inPercentSample(id, 100))).toBe(true);
  });

  it('combines its parts: percentage, intent, CSAT at most', () => {
    const rule = { percent: 0, intents: ['complaint'], csatAtMost: 2 };
    expect(sampleAtCompletion(rule, { contactId: 'x', intent: 'complaint' })).toEqual(['INTENT']);
    expect(sampleAtCompletion(rule, { contactId: 'x', intent: 'billing' })).toEqual([]);
    expect(sampleAtCompletion({ ...rule, percent: 100 }, { contactId: 'x', intent: 'complaint' })).toEqual(['PERCENT', 'INTENT']);
    expect(sampleAtCompletion(undefined, { contactId: 'x', intent: 'complaint' })).toEqual([]);
    expect(sampleOnSurvey(rule, 2, false)).toEqual(['CSAT']);
    expect(sampleOnSurvey(rule, 3, false)).toEqual([]);
    expect(sampleOnSurvey(rule, 1, true)).toEqual([]);
  });

  it('totals a form as points given over points possible, and refuses points outside a criterion', () => {
    expect(qaTotal([{ criterion: 'greeting', points: 10, maxPoints: 10 }, { criterion: 'resolution', points: 5, maxPoints: 20 }])).toBe(50);
    expect(qaTotal([{ criterion: 'a', points: 1, maxPoints: 3 }])).toBe(33.33);
    const refused = (f: () => unknown) => { try { f(); return ''; } catch (e) { return isRoutingError(e, 'ROUTING.INVALID_QA_SCORE') ? e.message : 'other'; } };
    expect(refused(() => qaTotal([{ criterion: 'a', points: 11, maxPoints: 10 }]))).toContain('criterion a: points must be 0..10');
    expect(refused(() => qaTotal([]))).toContain('at least one criterion');
    expect(refused(() => qaTotal([{ criterion: 'a', points: 1, maxPoints: 2 }, { criterion: 'a', points: 1, maxPoints: 2 }]))).toContain('given twice');
  });
});

describe('the engine marks and records QA reviews', () => {
  function completed(rule: QaSamplingRule, intent: string, endedOnChannel = false) {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30, qaSampling: rule })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { intent }) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: endedOnChannel ? 'ended-on-channel' : 'resolved', endedOnChannel });
    return h;
  }

  it('marks a complaint at its completion, naming the agent and why', () => {
    const h = completed({ intents: ['complaint'] }, 'complaint');
    expect(h.ofType('QaReviewRequested')).toMatchObject([{ contactId: 'c1', agentId: 'a1', queueId: 'q1', reasons: ['INTENT'], disposition: 'resolved', intent: 'complaint' }]);
    expect(completed({ intents: ['complaint'] }, 'billing').ofType('QaReviewRequested')).toEqual([]);
  });

  it('marks a contact its platform ended once the agent gives the outcome, not before', () => {
    const h = completed({ percent: 100 }, 'billing', true);
    expect(h.ofType('QaReviewRequested')).toEqual([]);
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'unresolved' });
    expect(h.ofType('QaReviewRequested')).toMatchObject([{ contactId: 'c1', reasons: ['PERCENT'], disposition: 'unresolved' }]);
  });

  it('records a reviewer\'s score with the reviewer as `by`, after the contact is gone', () => {
    const h = completed({ intents: ['complaint'] }, 'complaint');
    h.advance(60_000);
    expect(h.engine.contact('c1')).toBeUndefined();
    h.apply({ type: 'SCORE_QA_REVIEW', by: 'qa-lead', review: { contactId: 'c1', agentId: 'a1', queueId: 'q1', channel: 'phone', formId: 'basic',
      criteria: [{ criterion: 'greeting', points: 4, maxPoints: 5 }, { criterion: 'resolution', points: 12, maxPoints: 15 }], comment: 'good' } });
    expect(h.ofType('QaReviewScored')).toMatchObject([{ contactId: 'c1', agentId: 'a1', by: 'qa-lead', reviewer: 'qa-lead', score: 80, formId: 'basic', comment: 'good' }]);
  });
});

describe('a low CSAT answer marks its contact', () => {
  const answered = (contactId: string, score: number): SurveyAnswered => ({
    type: 'SurveyAnswered', id: 'd:1', seq: 1, atMs: 5_000, ruleVersion: 'r', contactId, queueId: 'q1', channel: 'chat', arrivedAtMs: 0, enqueuedAtMs: 0,
    agentId: 'a1', score, answeredAtMs: 5_000,
  });
  const stateWith = (percent?: number) => {
    const s = new EngineState('d', 'r');
    upsertQueue(s, queueConfig('q1', { qaSampling: { csatAtMost: 2, ...(percent === undefined ? {} : { percent }) } }));
    s.events = [];
    return s;
  };

  it('marks a score at or below the rule with reason CSAT, against the agent who handled it', () => {
    const s = stateWith();
    s.events.push(answered('c1', 2), answered('c2', 3));
    afterEvents(s);
    expect(s.events.filter((e) => e.type === 'QaReviewRequested')).toMatchObject([{ contactId: 'c1', agentId: 'a1', queueId: 'q1', reasons: ['CSAT'] }]);
  });

  it('does not mark again what the percentage took at completion', () => {
    const s = stateWith(100);
    s.events.push(answered('c1', 1));
    afterEvents(s);
    expect(s.events.filter((e) => e.type === 'QaReviewRequested')).toEqual([]);
  });
});

describe('the CSAT part with the engine\'s own surveys', () => {
  it('an answer of 2 marks the contact (CSAT) against its agent; an answer of 4 does not', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 0, qaSampling: { csatAtMost: 2 }, survey: { enabled: true, windowSeconds: 3_600 } })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    for (const id of ['low', 'high']) {
      h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now, { channel: 'chat' }) });
      h.apply({ type: 'ACCEPT', contactId: id, agentId: 'a1', offerToken: h.lastOffer(id)!.offerToken });
      h.apply({ type: 'COMPLETE', contactId: id, agentId: 'a1', disposition: 'resolved' });
    }
    expect(h.ofType('QaReviewRequested')).toEqual([]);
    h.advance(60_000);
    h.apply({ type: 'ANSWER_SURVEY', contactId: 'low', score: 2, answeredAtMs: h.now });
    h.apply({ type: 'ANSWER_SURVEY', contactId: 'high', score: 4, answeredAtMs: h.now });
    expect(h.ofType('QaReviewRequested')).toMatchObject([{ contactId: 'low', agentId: 'a1', queueId: 'q1', channel: 'chat', reasons: ['CSAT'] }]);
  });
});
