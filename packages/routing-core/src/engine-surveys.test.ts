import { describe, expect, it } from 'vitest';
import { RoutingEngine } from './engine.js';
import { isRoutingError } from './errors.js';
import { computeKpis } from './kpi/compute-kpis.js';
import type { QueueConfig } from './model/queue.js';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

const HOUR = 3_600_000;
const surveyed = (id: string, over: Partial<QueueConfig> = {}) =>
  queueConfig(id, { wrapUpSeconds: 10, survey: { enabled: true, windowSeconds: 3_600, channels: ['chat', 'email'], texts: { en: 'Rate us 1-5' } }, ...over });

/** Serves one contact on `channel` through `agentId` to completion. */
function serve(h: EngineHarness, contactId: string, agentId: string, queueId: string, channel: 'chat' | 'email' | 'phone' = 'chat'): void {
  h.apply({ type: 'ARRIVE', contact: contactInput(contactId, queueId, h.now, { channel }) });
  h.apply({ type: 'ACCEPT', contactId, agentId, offerToken: h.lastOffer(contactId)?.offerToken ?? -1 });
  h.advance(60_000);
  h.apply({ type: 'COMPLETE', contactId, agentId, disposition: 'resolved', resolvedFirstContact: true });
  h.advance(10_000); // the wrap-up
}

describe('satisfaction surveys in the engine', () => {
  it('offers a survey at completion on a surveyed channel only, and records the first answer within the window', () => {
    const h = new EngineHarness([surveyed('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    serve(h, 'c1', 'a1', 'q1', 'chat');
    expect(h.ofType('SurveyOffered')).toEqual([expect.objectContaining({ contactId: 'c1', agentId: 'a1', queueId: 'q1', channel: 'chat', expiresAtMs: h.now - 10_000 + HOUR, language: 'en', text: 'Rate us 1-5' })]);
    h.advance(10_000);
    serve(h, 'p1', 'a1', 'q1', 'phone'); // phone is not among the queue's survey channels
    expect(h.ofType('SurveyOffered')).toHaveLength(1);
    h.advance(60_000);
    const first = h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 4, comment: `  ${'x'.repeat(600)}  `, answeredAtMs: h.now - 1_000 });
    expect(first.outcome).toEqual({ kind: 'applied' });
    const answer = h.ofType('SurveyAnswered')[0];
    expect(answer).toMatchObject({ contactId: 'c1', agentId: 'a1', queueId: 'q1', channel: 'chat', score: 4, answeredAtMs: h.now - 1_000 });
    expect(answer?.comment).toHaveLength(500);
    expect(h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 1, answeredAtMs: h.now }).outcome).toEqual({ kind: 'stale', reason: 'ALREADY_ANSWERED' });
    expect(h.apply({ type: 'ANSWER_SURVEY', contactId: 'p1', score: 5, answeredAtMs: h.now }).outcome).toEqual({ kind: 'stale', reason: 'NO_SURVEY' });
    expect(h.ofType('SurveyAnswered')).toHaveLength(1);
  });

  it('refuses an answer before completion, after the window, or with a score outside 1–5', () => {
    const h = new EngineHarness([surveyed('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { channel: 'email' }) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? -1 });
    expect(h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 5, answeredAtMs: h.now }).outcome).toEqual({ kind: 'stale', reason: 'NO_SURVEY' });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' });
    const bad = (() => { try { h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 6, answeredAtMs: h.now }); } catch (e) { return e; } })();
    expect(isRoutingError(bad) && bad.code).toBe('ROUTING.INVALID_SURVEY_ANSWER');
    h.advance(HOUR - 1);
    expect(h.engine.openSurveys()).toBe(1);
    // Answered in time by the channel's clock, though it reaches the engine a little later.
    const late = h.engine.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 2, answeredAtMs: h.now + 5 }, h.now);
    expect(late.outcome).toEqual({ kind: 'applied' });
    h.advance(1);
    // Forgotten at the next command once its window ended (pruned lazily, oldest first).
    expect(h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 2, answeredAtMs: h.now }).outcome).toEqual({ kind: 'stale', reason: 'NO_SURVEY' });
    expect(h.engine.openSurveys()).toBe(0);
  });

  it('refuses an answer past the window while the survey is still held, and keeps surveys across a checkpoint', () => {
    const h = new EngineHarness([surveyed('short', { survey: { enabled: true, windowSeconds: 60 } }), surveyed('long')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['short', 'long']) });
    serve(h, 'long-1', 'a1', 'long');
    serve(h, 'short-1', 'a1', 'short');
    h.advance(120_000);
    // short-1's window ended, but it is held behind long-1 (pruned oldest first): refused by its window.
    expect(h.apply({ type: 'ANSWER_SURVEY', contactId: 'short-1', score: 3, answeredAtMs: h.now }).outcome).toEqual({ kind: 'stale', reason: 'WINDOW_CLOSED' });
    const restored = RoutingEngine.restore({ domainId: 'd1', ruleVersion: 'test-1' }, h.engine.capture());
    expect(restored.capture()).toEqual(h.engine.capture());
    expect(restored.apply({ type: 'ANSWER_SURVEY', contactId: 'long-1', score: 5, answeredAtMs: h.now }, h.now).events.map((e) => e.type)).toEqual(['SurveyAnswered']);
  });

  it('refuses a survey policy with a window out of bounds or a channel without a customer', () => {
    const upsert = (q: QueueConfig) => () => new RoutingEngine({ domainId: 'd1', ruleVersion: 'r', queues: [q] });
    expect(upsert(surveyed('q', { survey: { enabled: true, windowSeconds: 0 } }))).toThrow(/windowSeconds/);
    expect(upsert(surveyed('q', { survey: { enabled: true, windowSeconds: 8 * 86_400 } }))).toThrow(/windowSeconds/);
    expect(upsert(surveyed('q', { survey: { enabled: true, channels: ['task' as never] } }))).toThrow(/channels/);
  });
});

describe('CSAT and response rate in the KPIs', () => {
  it('per queue and per agent: response rate, mean score and share satisfied, by hand', () => {
    const h = new EngineHarness([surveyed('q1'), surveyed('q2')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1', 'q2']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1', 'q2']) });
    // a1 (longest idle) takes each contact in turn while a2 is busy: serve one at a time per agent.
    const answers: Record<string, number> = { c1: 5, c2: 4, c3: 2, c5: 1 };
    const queues: Record<string, string> = { c1: 'q1', c2: 'q1', c3: 'q1', c4: 'q1', c5: 'q2', c6: 'q2' };
    const agentOf: Record<string, string> = {};
    for (const id of Object.keys(queues)) {
      h.apply({ type: 'ARRIVE', contact: contactInput(id, queues[id]!, h.now, { channel: 'chat' }) });
      const offer = h.lastOffer(id)!;
      agentOf[id] = offer.agentId;
      h.apply({ type: 'ACCEPT', contactId: id, agentId: offer.agentId, offerToken: offer.offerToken });
      h.advance(30_000);
      h.apply({ type: 'COMPLETE', contactId: id, agentId: offer.agentId, disposition: 'resolved' });
      h.advance(20_000);
    }
    for (const [id, score] of Object.entries(answers)) h.apply({ type: 'ANSWER_SURVEY', contactId: id, score, answeredAtMs: h.now });
    h.apply({ type: 'ANSWER_SURVEY', contactId: 'c1', score: 1, answeredAtMs: h.now }); // a second answer: refused, not counted
    const report = computeKpis(h.events);
    const q1 = report.queues.find((q) => q.queueId === 'q1')!;
    const q2 = report.queues.find((q) => q.queueId === 'q2')!;
    // q1: 4 offered, 3 answered (5, 4, 2): rate 3/4, mean 11/3, satisfied 2/3.
    expect([q1.surveysOffered, q1.surveysAnswered, q1.surveyResponseRate]).toEqual([4, 3, 0.75]);
    expect(q1.csatScore).toBeCloseTo(11 / 3, 12);
    expect(q1.csatSatisfied).toBeCloseTo(2 / 3, 12);
    // q2: 2 offered, 1 answered (1): rate 1/2, mean 1, satisfied 0.
    expect([q2.surveysOffered, q2.surveysAnswered, q2.surveyResponseRate, q2.csatScore, q2.csatSatisfied]).toEqual([2, 1, 0.5, 1, 0]);
    expect([report.total.surveysOffered, report.total.surveysAnswered]).toEqual([6, 4]);
    expect(report.total.csatScore).toBeCloseTo(12 / 4, 12);
    // Per agent: the same sums over the contacts each completed (whichever took them).
    for (const a of report.agents) {
      const mine = Object.keys(queues).filter((id) => agentOf[id] === a.agentId);
      const scores = mine.flatMap((id) => (answers[id] === undefined ? [] : [answers[id]!]));
      expect([a.surveysOffered, a.surveysAnswered]).toEqual([mine.length, scores.length]);
      if (scores.length > 0) expect(a.csatScore).toBeCloseTo(scores.reduce((x, y) => x + y, 0) / scores.length, 12);
      expect(a.csatSatisfied).toEqual(scores.length === 0 ? NaN : scores.filter((x) => x >= 4).length / scores.length);
    }
    expect(report.agents.reduce((n, a) => n + a.surveysAnswered, 0)).toBe(4);
  });

  it('has no CSAT without answers (NaN, not 0)', () => {
    const report = computeKpis([]);
    expect([report.total.surveyResponseRate, report.total.csatScore, report.total.csatSatisfied]).toEqual([NaN, NaN, NaN]);
  });
});
