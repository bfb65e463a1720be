import type { AgentProfile } from '../model/agent.js';
import type { SimAgentGroup } from './scenario.js';

/** One simulated agent: its engine profile and optional shift. */
export interface SimAgent {
  readonly profile: AgentProfile;
  readonly shift?: SimAgentGroup['shift'];
}

/** Expands agent groups into individual engine profiles (ids `${idPrefix}-${i}`, 1-based). */
export function agentProfiles(groups: readonly SimAgentGroup[]): SimAgent[] {
  const agents: SimAgent[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    if (!Number.isInteger(group.count) || group.count < 0) throw new RangeError(`agent group ${group.idPrefix}: count must be an integer ≥ 0`);
    for (let i = 1; i <= group.count; i++) {
      const id = `${group.idPrefix}-${i}`;
      if (seen.has(id)) throw new RangeError(`duplicate agent id ${id}: agent groups need distinct idPrefix values`);
      seen.add(id);
      agents.push({
        profile: {
          id,
          skills: group.skills,
          languages: group.languages ?? [],
          team: group.team ?? 'default',
          capacity: group.capacity ?? { phone: 1 },
          queues: group.queues,
        },
        ...(group.shift !== undefined ? { shift: group.shift } : {}),
      });
    }
  }
  return agents;
}
