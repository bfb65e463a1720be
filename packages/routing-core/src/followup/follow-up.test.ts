import { describe, expect, it } from 'vitest';
import { agentProfile, contactInput, EngineHarness, queueConfig } from '../testing/fixtures.js';
import { followUpTimes, opensFollowUp } from './decide.js';

describe('follow-up decision', () => {
  it('opens for a complaint (by intent or disposition) left unresolved, never for a task itself', () => {
    const policy = { complaintDispositions: ['complaint'] };
    expect(opensFollowUp(policy, { intent: 'complaint', disposition: 'unresolved', isTask: false })).toBe(true);
    expect(opensFollowUp(policy, { intent: 'complaint', disposition: 'resolved', isTask: false })).toBe(false);
    expect(opensFollowUp(policy, { intent: 'billing', disposition: 'unresolved', isTask: false })).toBe(false);
    expect(opensFollowUp({ ...policy, unresolvedDispositions: ['complaint'] }, { intent: 'billing', disposition: 'complaint', isTask: false })).toBe(true);
    expect(opensFollowUp(policy, { intent: 'complaint', disposition: 'unresolved', isTask: true })).toBe(false);
    expect(opensFollowUp(undefined, { intent: 'complaint', disposition: 'unresolved', isTask: false })).toBe(false);
  });

  it('is due after the resolution limit and at risk at its share', () => {
    expect(followUpTimes({}, 1_000, 100)).toEqual({ dueAtMs: 101_000, atRiskAtMs: 81_000 });
    expect(followUpTimes({ atRiskShare: 0.5 }, 0, 10)).toEqual({ dueAtMs: 10_000, atRiskAtMs: 5_000 });
  });
});

describe('the engine opens, routes and escalates follow-up tasks', () => {
  const taskDesk = { capacity: { phone: 1, task: 2 } };
  function complaintCompleted(disposition: string) {
    const h = new EngineHarness([
      queueConfig('complaints', { wrapUpSeconds: 0, followUp: { taskQueueId: 'follow-ups' } }),
      queueConfig('follow-ups', { wrapUpSeconds: 0, resolutionLimitSeconds: 100, followUp: { escalationBoost: 50 } }),
    ]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['complaints']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'complaints', h.now, { intent: 'complaint', basePriority: 3 }) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition });
    return h;
  }

  it('a complaint completed unresolved opens a task with its due time, offered to an agent with task capacity', () => {
    const h = complaintCompleted('unresolved');
    const opened = h.ofType('FollowUpTaskOpened');
    expect(opened).toMatchObject([{ contactId: 'c1-followup', queueId: 'follow-ups', channel: 'task', fromContactId: 'c1', fromAgentId: 'a1',
      dueAtMs: h.now + 100_000, atRiskAtMs: h.now + 80_000 }]);
    expect(h.engine.contact('c1-followup')).toMatchObject({ state: 'QUEUED', channel: 'task', basePriority: 3, intent: 'follow-up' });
    // a1 has no task capacity (and does not serve the queue); a desk with task capacity gets it.
    h.apply({ type: 'SIGN_IN', agent: agentProfile('t1', ['follow-ups'], taskDesk) });
    expect(h.lastOffer('c1-followup')).toMatchObject({ agentId: 't1', channel: 'task' });
    expect(complaintCompleted('resolved').ofType('FollowUpTaskOpened')).toEqual([]);
  });

  it('escalates a task still unfinished at its at-risk time: the event, then its priority raised', () => {
    const h = complaintCompleted('follow-up');
    h.advance(80_000 - 1);
    expect(h.ofType('FollowUpTaskAtRisk')).toEqual([]);
    h.advance(1);
    expect(h.ofType('FollowUpTaskAtRisk')).toMatchObject([{ contactId: 'c1-followup', state: 'QUEUED', fromPriority: 3, toPriority: 53, dueAtMs: h.now + 20_000 }]);
    expect(h.ofType('ContactReprioritized')).toMatchObject([{ contactId: 'c1-followup', fromPriority: 3, toPriority: 53, reason: 'AT_RISK' }]);
    h.advance(60_000);
    expect(h.ofType('FollowUpTaskAtRisk')).toHaveLength(1);
  });

  it('escalates a task a supervisor already raised (the notice), without lowering it, and only once', () => {
    const h = complaintCompleted('unresolved');
    h.apply({ type: 'REPRIORITIZE', contactId: 'c1-followup', basePriority: 90, reason: 'customer called again', by: 'lead' });
    h.advance(80_000);
    expect(h.ofType('FollowUpTaskAtRisk')).toMatchObject([{ contactId: 'c1-followup', fromPriority: 90, toPriority: 90 }]);
    expect(h.ofType('ContactReprioritized').map((e) => e.reason)).toEqual(['customer called again']);
    h.apply({ type: 'TIMER_FIRED', timer: { id: 'again', kind: 'TASK_AT_RISK', dueAtMs: h.now, contactId: 'c1-followup', token: 1_000_053 } });
    expect(h.ofType('FollowUpTaskAtRisk')).toHaveLength(1);
  });

  it('leaves a task finished before its at-risk time alone', () => {
    const h = complaintCompleted('unresolved');
    h.apply({ type: 'SIGN_IN', agent: agentProfile('t1', ['follow-ups'], taskDesk) });
    h.apply({ type: 'ACCEPT', contactId: 'c1-followup', agentId: 't1', offerToken: h.lastOffer('c1-followup')!.offerToken });
    h.apply({ type: 'COMPLETE', contactId: 'c1-followup', agentId: 't1', disposition: 'unresolved' });
    h.advance(100_000);
    expect(h.ofType('FollowUpTaskAtRisk')).toEqual([]);
    // A task's own outcome opens no second task.
    expect(h.ofType('FollowUpTaskOpened')).toHaveLength(1);
  });
});
