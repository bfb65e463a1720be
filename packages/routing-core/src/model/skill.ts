/** Proficiency runs from 1 (novice) to 5 (expert). */
export type Proficiency = 1 | 2 | 3 | 4 | 5;

/**
 * A skill a contact or queue asks for. `optional` skills are wanted at ring 0 but may be dropped
 * by a later ring (`dropOptionalSkills`); mandatory skills are never dropped, only relaxed.
 */
export interface SkillRequirement {
  readonly skill: string;
  readonly minProficiency: number;
  readonly optional?: boolean;
}

/** An agent's skills: skill name → proficiency 1–5. */
export type AgentSkills = Readonly<Record<string, number>>;
