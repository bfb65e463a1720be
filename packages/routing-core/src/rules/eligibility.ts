import type { AgentProfile } from '../model/agent.js';
import { PassReason } from '../model/explanation.js';
import type { QueueConfig } from '../model/queue.js';
import type { SkillRequirement } from '../model/skill.js';

/**
 * The static half of eligibility (skills, language, team, VIP pool) — what does not change with
 * presence or load. The live router mirrors these functions exactly; keep them small.
 */

/** A skill requirement after ring relaxation. */
export interface ResolvedSkill {
  readonly skill: string;
  readonly minProficiency: number;
}

/**
 * What an agent must satisfy at one ring. `teams` undefined = any team except `heldBackTeams`
 * (backup teams of a queue without `teams`, not yet admitted at this ring).
 */
export interface RingRequirement {
  readonly skills: readonly ResolvedSkill[];
  readonly teams: ReadonlySet<string> | undefined;
  readonly heldBackTeams?: ReadonlySet<string>;
}

/**
 * Queue skills plus the contact's own: one entry per skill, the stricter minimum wins, and a
 * skill is optional only when every source marks it optional. Sorted by skill name so the
 * result (and a signature built from it) does not depend on input order.
 */
export function mergeSkills(queueSkills: readonly SkillRequirement[], contactSkills: readonly SkillRequirement[] = []): SkillRequirement[] {
  const merged = new Map<string, SkillRequirement>();
  for (const s of [...queueSkills, ...contactSkills]) {
    const prev = merged.get(s.skill);
    merged.set(s.skill, prev === undefined
      ? { skill: s.skill, minProficiency: s.minProficiency, optional: s.optional === true }
      : { skill: s.skill, minProficiency: Math.max(prev.minProficiency, s.minProficiency), optional: prev.optional === true && s.optional === true });
  }
  return [...merged.values()].sort((a, b) => (a.skill < b.skill ? -1 : a.skill > b.skill ? 1 : 0));
}

/** Number of rings of a queue including the implicit ring 0. */
export function ringCount(queue: QueueConfig): number {
  return queue.rings.length + 1;
}

/**
 * Requirements at `ring`. Ring 0 is the full set; ring i ≥ 1 applies only `queue.rings[i-1]` to
 * ring 0 (not cumulatively) — eligibility is then "eligible at any ring ≤ i", so rings only widen.
 *
 * Teams: with `queue.teams` set, ring i admits those plus its `addTeams`. Without it, every team
 * is admitted except *backup teams* — teams some ring adds — which are held back until a ring
 * that adds them: `addTeams` then means "keep this team in reserve until this wait", instead of
 * meaning nothing.
 */
export function ringRequirement(queue: QueueConfig, skills: readonly SkillRequirement[], ring: number): RingRequirement {
  const base = queue.teams === undefined ? undefined : new Set(queue.teams);
  const r = ring === 0 ? undefined : queue.rings[ring - 1];
  const heldBack = base === undefined ? heldBackTeams(queue, r?.addTeams ?? []) : undefined;
  const teamRule = heldBack === undefined ? {} : { heldBackTeams: heldBack };
  if (r === undefined) return { skills: skills.map((s) => ({ skill: s.skill, minProficiency: s.minProficiency })), teams: base, ...teamRule };
  const resolved: ResolvedSkill[] = [];
  for (const s of skills) {
    if (r.dropOptionalSkills === true && s.optional === true) continue;
    let min = Math.max(1, s.minProficiency - (r.proficiencyDrop ?? 0));
    if (r.minProficiency !== undefined) min = Math.min(min, r.minProficiency);
    resolved.push({ skill: s.skill, minProficiency: min });
  }
  const teams = base === undefined ? undefined : new Set([...base, ...(r.addTeams ?? [])]);
  return { skills: resolved, teams, ...teamRule };
}

/** Backup teams (added by some ring of a queue without `teams`) not among `admitted`; undefined when none. */
function heldBackTeams(queue: QueueConfig, admitted: readonly string[]): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  for (const r of queue.rings) for (const t of r.addTeams ?? []) if (!admitted.includes(t)) out.add(t);
  return out.size === 0 ? undefined : out;
}

/** Why `agent` fails `req` (checked in the order LANGUAGE, SKILL, PROFICIENCY, team), or null. */
export function staticPassReason(agent: AgentProfile, req: RingRequirement, language: string | undefined): PassReason | null {
  if (language !== undefined && !agent.languages.includes(language)) return PassReason.LANGUAGE;
  for (const s of req.skills) {
    const p = agent.skills[s.skill];
    if (p === undefined) return PassReason.SKILL;
    if (p < s.minProficiency) return PassReason.PROFICIENCY;
  }
  if (req.teams !== undefined && !req.teams.has(agent.team)) return PassReason.NOT_IN_POOL;
  if (req.heldBackTeams?.has(agent.team) === true) return PassReason.NOT_IN_POOL;
  return null;
}

/** Smallest ring at which the agent is eligible, or the reason it fails the widest ring. */
export type MinRing = { readonly ring: number } | { readonly ring: undefined; readonly reason: PassReason };

/** Computes {@link MinRing} for one agent against a queue's merged skills and the contact's language. */
export function minEligibleRing(agent: AgentProfile, queue: QueueConfig, skills: readonly SkillRequirement[], language: string | undefined): MinRing {
  let reason: PassReason = PassReason.SKILL;
  for (let ring = 0; ring < ringCount(queue); ring++) {
    const why = staticPassReason(agent, ringRequirement(queue, skills, ring), language);
    if (why === null) return { ring };
    reason = why;
  }
  return { ring: undefined, reason };
}

/** VIP dedicated pool membership; every agent is "in pool" for a queue without one. */
export function inVipPool(agent: AgentProfile, queue: QueueConfig): boolean {
  const pool = queue.vipPool;
  if (queue.kind !== 'VIP' || pool === undefined) return true;
  return pool.agentIds.includes(agent.id) || pool.teams.includes(agent.team);
}

/** Sum of the agent's proficiencies over the given skills (BEST_PROFICIENCY score). */
export function proficiencyScore(agent: AgentProfile, skills: readonly SkillRequirement[]): number {
  let score = 0;
  for (const s of skills) score += agent.skills[s.skill] ?? 0;
  return score;
}
