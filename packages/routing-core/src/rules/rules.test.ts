import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentProfile, queueConfig } from '../testing/fixtures.js';
import { capacityPassReason, emptyLoad } from './capacity.js';
import { mergeSkills, minEligibleRing, ringRequirement, staticPassReason } from './eligibility.js';
import { contactSortKey, effectivePriority, ringAt, thresholdOffsetsMs } from './queue-order.js';

describe('rules the live router mirrors', () => {
  it('merges queue and contact skills: stricter minimum wins, optional only if optional everywhere', () => {
    expect(mergeSkills([{ skill: 'b', minProficiency: 3, optional: true }, { skill: 'a', minProficiency: 2 }], [{ skill: 'b', minProficiency: 4 }]))
      .toEqual([{ skill: 'a', minProficiency: 2, optional: false }, { skill: 'b', minProficiency: 4, optional: false }]);
  });

  it('relaxes each ring from ring 0 and reports the reason at the widest ring', () => {
    const q = queueConfig('q', { teams: ['core'], rings: [{ afterSeconds: 10, proficiencyDrop: 2 }, { afterSeconds: 20, minProficiency: 1, addTeams: ['backup'] }] });
    const skills = mergeSkills([{ skill: 'x', minProficiency: 4 }, { skill: 'y', minProficiency: 2, optional: true }]);
    expect(ringRequirement(q, skills, 1).skills).toEqual([{ skill: 'x', minProficiency: 2 }, { skill: 'y', minProficiency: 1 }]);
    expect([...(ringRequirement(q, skills, 2).teams ?? [])]).toEqual(['core', 'backup']);
    const core = agentProfile('a', ['q'], { team: 'core', skills: { x: 2, y: 1 } });
    expect(minEligibleRing(core, q, skills, 'en')).toEqual({ ring: 1 });
    expect(minEligibleRing({ ...core, team: 'backup' }, q, skills, 'en')).toEqual({ ring: 2 });
    expect(minEligibleRing({ ...core, team: 'other' }, q, skills, 'en')).toEqual({ ring: undefined, reason: 'NOT_IN_POOL' });
    expect(staticPassReason(core, ringRequirement(q, skills, 0), 'fr')).toBe('LANGUAGE');
    expect(staticPassReason({ ...core, skills: {} }, ringRequirement(q, skills, 0), 'en')).toBe('SKILL');
    expect(staticPassReason(core, ringRequirement(q, skills, 0), 'en')).toBe('PROFICIENCY');
  });

  it('without queue teams, holds a ring\'s added (backup) teams back until that ring', () => {
    const q = queueConfig('q', { rings: [{ afterSeconds: 10, proficiencyDrop: 1 }, { afterSeconds: 60, proficiencyDrop: 2, addTeams: ['after-sales'] }] });
    const skills = mergeSkills([{ skill: 'complaints', minProficiency: 4 }]);
    const specialist = agentProfile('a', ['q'], { team: 'complaints', skills: { complaints: 4 } });
    const backup = { ...specialist, team: 'after-sales', skills: { complaints: 2 } };
    expect(minEligibleRing(specialist, q, skills, 'en')).toEqual({ ring: 0 });
    expect(staticPassReason({ ...backup, skills: { complaints: 5 } }, ringRequirement(q, skills, 1), 'en')).toBe('NOT_IN_POOL');
    expect(minEligibleRing({ ...backup, skills: { complaints: 5 } }, q, skills, 'en')).toEqual({ ring: 2 });
    expect(minEligibleRing(backup, q, skills, 'en')).toEqual({ ring: 2 });
    expect(minEligibleRing({ ...backup, skills: { complaints: 1 } }, q, skills, 'en')).toEqual({ ring: undefined, reason: 'PROFICIENCY' });
    expect(ringRequirement(q, skills, 2)).toMatchObject({ teams: undefined });
    expect(ringRequirement(q, skills, 2).heldBackTeams).toBeUndefined();
    // With queue teams, addTeams only adds: nothing is held back.
    const withTeams = queueConfig('q', { ...q, teams: ['complaints'] });
    expect(ringRequirement(withTeams, skills, 0).heldBackTeams).toBeUndefined();
    expect(minEligibleRing({ ...backup, skills: { complaints: 5 } }, withTeams, skills, 'en')).toEqual({ ring: 2 });
  });

  it('is monotone: an agent eligible at ring i is eligible at every later ring', () => {
    const q = queueConfig('q', { rings: [{ afterSeconds: 5, dropOptionalSkills: true }, { afterSeconds: 9, proficiencyDrop: 1 }] });
    const skills = mergeSkills([{ skill: 'x', minProficiency: 3 }, { skill: 'y', minProficiency: 3, optional: true }]);
    fc.assert(fc.property(fc.nat(5), fc.nat(5), (x, y) => {
      const ring = minEligibleRing(agentProfile('a', ['q'], { skills: { x, y } }), q, skills, undefined).ring;
      const direct = [0, 1, 2].filter((r) => staticPassReason(agentProfile('a', ['q'], { skills: { x, y } }), ringRequirement(q, skills, r), undefined) === null);
      expect(ring).toBe(direct[0]);
    }));
  });

  it('enforces capacity and phone blending in both directions', () => {
    const cap = { phone: 1, chat: 2 };
    const load = emptyLoad();
    expect(capacityPassReason(cap, false, load, 'email')).toBe('CAPACITY');
    load.chat = 1;
    expect(capacityPassReason(cap, false, load, 'phone')).toBe('BLENDING');
    expect(capacityPassReason(cap, true, load, 'phone')).toBeNull();
    load.chat = 0;
    load.phone = 1;
    expect(capacityPassReason(cap, false, load, 'chat')).toBe('BLENDING');
    expect(capacityPassReason(cap, false, load, 'phone')).toBe('CAPACITY');
  });

  it('orders by a key that agrees with effective priority at every instant', () => {
    const q = queueConfig('q', { agingRatePerSecond: 0.7 });
    const contact = fc.record({ base: fc.integer({ min: 0, max: 20 }), at: fc.integer({ min: 0, max: 1_000_000 }) });
    fc.assert(fc.property(contact, contact, fc.integer({ min: 1_000_000, max: 5_000_000 }), (a, b, now) => {
      const byKey = Math.sign(contactSortKey(q, a.base, a.at) - contactSortKey(q, b.base, b.at));
      const byPriority = Math.sign(effectivePriority(q, b.base, b.at, now) - effectivePriority(q, a.base, a.at, now));
      expect(Math.abs(byKey - byPriority) < 1 || Math.abs(contactSortKey(q, a.base, a.at) - contactSortKey(q, b.base, b.at)) < 1e-6).toBe(true);
    }));
    expect(ringAt(queueConfig('q', { rings: [{ afterSeconds: 10 }, { afterSeconds: 30 }] }), 29_999)).toBe(1);
    expect(thresholdOffsetsMs(queueConfig('q', { rings: [{ afterSeconds: 10 }], maxWaitSeconds: 10, stickyAgentWaitSeconds: 5 }), true)).toEqual([5000, 10_000]);
  });
});
