import { describe, expect, it } from 'vitest';
import { Channel, RoutingEvent } from '@switchboard/contracts';
import { audit } from './audit.js';

let seq = 0;
const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);
const ev = (contactId: string, agentId: string, body: Partial<RoutingEvent>, t = seq): RoutingEvent =>
  RoutingEvent.fromPartial({ id: `d:${++seq}`, contactId, agentId, queueId: 'q', channel: Channel.CHANNEL_PHONE, arrivedAt: at(t), enqueuedAt: at(t), ...body });
const queued = (c: string, t: number) => ev(c, '', { queued: { effectivePriority: 0, position: 0 } }, t);
const offered = (c: string, a: string) => ev(c, a, { offered: { reservationToken: 1 } });
const accepted = (c: string, a: string) => ev(c, a, { accepted: { reservationToken: 1, waitSeconds: 1 } });
const done = (c: string, a: string) => ev(c, a, { wrapUpEnded: { wrapUpSeconds: 1 } });
const capacity = new Map([['a1', { phone: 1 }], ['a2', { phone: 1 }]]);

describe('audit', () => {
  it('finds nothing wrong in a clean record', () => {
    const report = audit({ accepted: ['c1', 'c2'], capacity, expectAllFinished: true, events: [
      queued('c1', 1), queued('c2', 2), offered('c1', 'a1'), offered('c2', 'a2'), accepted('c1', 'a1'), done('c1', 'a1'), done('c2', 'a2'),
    ] });
    expect(report).toMatchObject({ accepted: 2, finished: 2, lost: 0, doubleAssigned: 0, overCapacity: 0, orderViolations: 0 });
  });

  it('reports a contact still open past its limit, and says when its action is overdue', () => {
    const limit = (c: string, a: string, actAtS: number) =>
      ev(c, a, { limitReached: { limit: 'HANDLE_TIME', limitSeconds: 7200, action: 'END', actAt: at(actAtS) } });
    const completed = (c: string, a: string) => ev(c, a, { completed: { disposition: 'handle-limit', handleSeconds: 7500, notes: '' } });
    const events = [
      queued('c1', 1), queued('c2', 2), offered('c1', 'a1'), offered('c2', 'a2'), accepted('c1', 'a1'), accepted('c2', 'a2'),
      limit('c1', 'a1', 100), limit('c2', 'a2', 100), completed('c2', 'a2'), done('c2', 'a2'),
    ];
    const due = audit({ accepted: ['c1', 'c2'], capacity, events, nowMs: at(90).getTime() });
    expect(due.pastLimit).toBe(1);
    expect(due.findings).toMatchObject([{ kind: 'PAST_LIMIT', contactId: 'c1', agentId: 'a1', detail: expect.stringMatching(/HANDLE_TIME limit of 7200 s with a1; END due at/) }]);
    const overdue = audit({ accepted: ['c1', 'c2'], capacity, events, nowMs: at(400).getTime() });
    expect(overdue.findings[0]?.detail).toMatch(/END overdue by 300 s/);
    // Handled by its policy: nothing past its limit is left.
    expect(audit({ accepted: ['c1', 'c2'], capacity, events: [...events, completed('c1', 'a1')] }).pastLimit).toBe(0);
  });

  it('reports a contact offered twice at once, and an agent over capacity', () => {
    const report = audit({ accepted: ['c1', 'c2'], capacity, events: [queued('c1', 1), queued('c2', 2), offered('c1', 'a1'), offered('c1', 'a2'), offered('c2', 'a1')] });
    expect(report.doubleAssigned).toBe(1);
    expect(report.overCapacity).toBe(1);
    expect(report.findings.map((f) => f.kind)).toEqual(['DOUBLE_ASSIGNMENT', 'AGENT_OVER_CAPACITY']);
  });

  it('reports contacts accepted at ingest that never reached routing or never finished', () => {
    const events = [queued('c1', 1)];
    expect(audit({ accepted: ['c1', 'c2'], capacity, events }).lost).toBe(1);
    expect(audit({ accepted: ['c1', 'c2'], capacity, events, expectAllFinished: true }).lost).toBe(2);
  });

  it('reports a younger contact served before an older equal one, unless the agent refused the older', () => {
    expect(audit({ accepted: [], capacity, events: [queued('old', 1), queued('new', 2), offered('new', 'a1')] }).orderViolations).toBe(1);
    const refused = [queued('old', 1), queued('new', 2), offered('old', 'a1'), ev('old', 'a1', { declined: { reservationToken: 1, reason: 'x' } }), offered('new', 'a1')];
    expect(audit({ accepted: [], capacity, events: refused }).orderViolations).toBe(0);
  });

  it('judges order by arrival, not by when the router queued the contact', () => {
    // 'late' arrived first but was queued after 'young' (its CONTACTS message came back after its
    // first router died): serving it first is first-come-first-served.
    const late = ev('late', '', { queued: { effectivePriority: 0, position: 0 }, arrivedAt: at(1), enqueuedAt: at(9) });
    const young = ev('young', '', { queued: { effectivePriority: 0, position: 0 }, arrivedAt: at(5), enqueuedAt: at(6) });
    expect(audit({ accepted: [], capacity, events: [young, late, offered('late', 'a1')] }).orderViolations).toBe(0);
    // Serving the younger one while the older is queued is a violation, whatever the queue times say.
    expect(audit({ accepted: [], capacity, events: [young, late, offered('young', 'a1')] }).findings.map((f) => f.detail))
      .toEqual(['late arrived earlier in q at equal priority']);
    // An older contact not yet queued (still in JetStream) is not ahead of anyone.
    expect(audit({ accepted: [], capacity, events: [young, offered('young', 'a1'), late] }).orderViolations).toBe(0);
  });

  it('sets apart contacts whose whole history a truncated record dropped, and still judges the rest', () => {
    // The record starts at t=10 (ROUTING dropped what came before). 'gone' came at t=2 and left no
    // event: history truncated, not lost. 'tail' came at t=3 and only its end is left: finished.
    // 'stuck' came at t=4 and was offered after t=10 but never finished: lost, truncated or not.
    // 'missing' came at t=12, after the record starts, with no event at all: lost.
    const acceptedAtMs = new Map([['gone', 2], ['tail', 3], ['stuck', 4], ['missing', 12], ['fresh', 13]].map(([id, t]) => [id as string, at(t as number).getTime()]));
    const events = [done('tail', 'a1'), offered('stuck', 'a1'), queued('fresh', 13), offered('fresh', 'a2'), done('fresh', 'a2')];
    const report = audit({ accepted: ['gone', 'tail', 'stuck', 'missing', 'fresh'], capacity, events, expectAllFinished: true,
      recordStartMs: at(10).getTime(), acceptedAtMs });
    expect(report).toMatchObject({ accepted: 5, finished: 2, historyTruncated: 1, lost: 2, doubleAssigned: 0, overCapacity: 0, orderViolations: 0 });
    expect(report.findings.map((f) => f.contactId)).toEqual(['stuck', 'missing']);
    // The same record taken as whole reports the dropped contact as lost.
    expect(audit({ accepted: ['gone', 'tail', 'stuck', 'missing', 'fresh'], capacity, events, expectAllFinished: true }))
      .toMatchObject({ lost: 3, historyTruncated: 0 });
  });

  it('does not judge capacity for an agent whose sign-in a truncated record dropped, and still judges the others', () => {
    const events = [queued('c1', 12), offered('c1', 'ghost'), queued('c2', 13), offered('c2', 'a1'), queued('c3', 14), offered('c3', 'a1')];
    const truncated = audit({ accepted: [], capacity, events, recordStartMs: at(10).getTime() });
    expect(truncated).toMatchObject({ overCapacity: 1, historyTruncated: 0 });
    expect(truncated.findings.map((f) => f.detail)).toEqual(['2 phone contacts, capacity 1']);
    expect(audit({ accepted: [], capacity, events }).overCapacity).toBe(2);
  });

  it('reports an offer on a channel the agent has no capacity for, or to an agent never signed in', () => {
    const chat = (c: string, a: string) => ev(c, a, { offered: { reservationToken: 1 }, channel: Channel.CHANNEL_CHAT });
    const report = audit({ accepted: [], capacity, events: [queued('c1', 1), chat('c1', 'a1'), queued('c2', 2), offered('c2', 'ghost')] });
    expect(report.overCapacity).toBe(2);
    expect(report.findings.map((f) => f.detail)).toEqual(['1 chat contacts, capacity 0', '1 phone contacts, no sign-in on record']);
  });
});
