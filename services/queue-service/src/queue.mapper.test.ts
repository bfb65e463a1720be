import { describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { QueueConfig, QueueKind, SelectionStrategy } from '@switchboard/contracts';
import type { RpcError } from '@switchboard/grpc-edge';
import { estimateWaitSeconds, servingSlots } from './estimate.js';
import { queueFromProto, queueToProto } from './queue.mapper.js';

const proto = (over: Partial<QueueConfig> = {}) => QueueConfig.fromPartial({
  id: 'vip', kind: QueueKind.QUEUE_KIND_VIP, serviceLevel: { share: 0.9, withinSeconds: 10 }, strategy: SelectionStrategy.SELECTION_STRATEGY_BEST_PROFICIENCY,
  skills: [{ name: 'billing', minProficiency: 3 }], rings: [{ afterSeconds: 30, proficiencyDrop: 1 }], dedicatedTeams: ['gold'], generalOverflowAfterSeconds: 60,
  offerTimeoutSeconds: 15, wrapUpSeconds: 20, ...over,
});
const fieldOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return { code: (e as RpcError).code, field: (e as RpcError).field }; }
  return undefined;
};

describe('queue config mapping', () => {
  it('maps a VIP queue to the core and back', () => {
    const core = queueFromProto(proto());
    expect(core).toMatchObject({ id: 'vip', kind: 'VIP', strategy: 'BEST_PROFICIENCY', requiredSkills: [{ skill: 'billing', minProficiency: 3 }],
      vipPool: { teams: ['gold'], overflowToGeneralAfterSeconds: 60 }, missesBeforeAway: 3 });
    expect(queueToProto(core, { domain: 'd', displayName: 'VIP', version: 4 })).toMatchObject({ ...proto(), domain: 'd', displayName: 'VIP', version: 4, missesBeforeAway: 3 });
  });

  it('maps the QA sampling rule, the resolution limit and the follow-up policy both ways, and names a bad field', () => {
    const qaSampling = { percent: 5, intents: ['complaint'], csatAtMost: 2 };
    const followUp = { intents: [], complaintDispositions: ['complaint'], unresolvedDispositions: ['unresolved'], taskQueueId: 'follow-ups', atRiskShare: 0.75, escalationBoost: 15 };
    const core = queueFromProto(proto({ qaSampling, resolutionLimitSeconds: 3_600, followUp }));
    expect(core).toMatchObject({ qaSampling, resolutionLimitSeconds: 3_600,
      followUp: { complaintDispositions: ['complaint'], unresolvedDispositions: ['unresolved'], taskQueueId: 'follow-ups', atRiskShare: 0.75, escalationBoost: 15 } });
    expect(core.followUp?.intents).toBeUndefined(); // empty: the default (complaint)
    expect(queueToProto(core, { domain: 'd', displayName: 'VIP', version: 1 })).toMatchObject({ qaSampling, resolutionLimitSeconds: 3_600, followUp });
    expect(fieldOf(() => queueFromProto(proto({ qaSampling: { ...qaSampling, percent: 150 } })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.qa_sampling.percent' });
    expect(fieldOf(() => queueFromProto(proto({ followUp: { ...followUp, atRiskShare: 1.5 } })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.follow_up.at_risk_share' });
  });

  it('maps base teams and every ring field both ways', () => {
    const rings = [{ afterSeconds: 45, proficiencyDrop: 1, dropOptionalSkills: true, addTeams: [], minProficiency: 0 },
      { afterSeconds: 120, proficiencyDrop: 0, dropOptionalSkills: false, addTeams: ['after-sales'], minProficiency: 2 }];
    const sent = proto({ kind: QueueKind.QUEUE_KIND_PRIORITY, dedicatedTeams: [], generalOverflowAfterSeconds: 0, teams: ['complaints'], rings });
    const core = queueFromProto(sent);
    expect(core.teams).toEqual(['complaints']);
    expect(core.rings).toEqual([
      { afterSeconds: 45, proficiencyDrop: 1, dropOptionalSkills: true, addTeams: [] },
      { afterSeconds: 120, proficiencyDrop: 0, dropOptionalSkills: false, addTeams: ['after-sales'], minProficiency: 2 },
    ]);
    expect(queueToProto(core, { domain: 'd', displayName: 'C', version: 1 })).toMatchObject({ teams: ['complaints'], rings });
  });

  it('reads empty teams as "any team" (backup teams then held back until their ring)', () => {
    const core = queueFromProto(proto({ rings: [{ afterSeconds: 60, proficiencyDrop: 0, dropOptionalSkills: false, addTeams: ['backup'], minProficiency: 0 }] }));
    expect(core.teams).toBeUndefined();
    expect(core.rings[0]).not.toHaveProperty('minProficiency');
    expect(queueToProto(core, { domain: 'd', displayName: 'V', version: 1 }).teams).toEqual([]);
  });

  it('names the proto field and the rule when a value is invalid', () => {
    expect(fieldOf(() => queueFromProto(proto({ rings: [{ afterSeconds: 5, proficiencyDrop: 0, dropOptionalSkills: false, addTeams: [], minProficiency: 9 }] }))))
      .toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.rings.min_proficiency' });
    expect(fieldOf(() => queueFromProto(proto({ teams: ['complaints', ''] })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.teams' });
    expect(fieldOf(() => queueFromProto(proto({ rings: [{ afterSeconds: 5, proficiencyDrop: 0, dropOptionalSkills: false, addTeams: [' '], minProficiency: 0 }] }))))
      .toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.rings.add_teams' });
    expect(fieldOf(() => queueFromProto(proto({ dedicatedTeams: [''] })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.dedicated_teams' });
    expect(fieldOf(() => queueFromProto(proto({ kind: QueueKind.QUEUE_KIND_UNSPECIFIED })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.kind' });
    expect(fieldOf(() => queueFromProto(proto({ id: 'a b' })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.id' });
    expect(fieldOf(() => queueFromProto(proto({ serviceLevel: { share: 1.5, withinSeconds: 10 } })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.service_level.share' });
    expect(fieldOf(() => queueFromProto(proto({ skills: [{ name: 'x', minProficiency: 9, optional: false }] })))).toEqual({ code: status.INVALID_ARGUMENT, field: 'queue.skills.min_proficiency' });
  });
});

describe('estimated wait', () => {
  it('is position × cycle ÷ serving slots, zero when not waiting', () => {
    expect(estimateWaitSeconds(6, 120, 3)).toBe(240);
    expect(estimateWaitSeconds(0, 120, 3)).toBe(0);
    expect(estimateWaitSeconds(2, 30, 0)).toBe(60);
    const agent = (presence: 'AVAILABLE' | 'AWAY' | 'OFFLINE', queueId: string) => ({ id: 'a', presence, queues: [{ queueId, priority: 1 }], capacity: { chat: 3, phone: 1 } }) as never;
    expect(servingSlots([agent('AVAILABLE', 'q'), agent('AWAY', 'q'), agent('AVAILABLE', 'other')], 'q', 'chat')).toBe(3);
  });
});
