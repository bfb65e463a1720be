/**
 * Quality sampling (抽检): which completed contacts a queue marks for QA review. Pure and
 * deterministic: the percentage rule hashes the contact id, so every replica, every replay of the
 * record and the simulator mark the same contacts.
 */

/** A queue's QA sampling rule; the parts combine (a contact is marked when any part says so). */
export interface QaSamplingRule {
  /** Share of completed contacts marked, 0..100 (by a hash of the contact id). */
  readonly percent?: number;
  /** Every contact with one of these intents (e.g. `complaint`). */
  readonly intents?: readonly string[];
  /** Every contact whose CSAT answer is at most this (1..5; e.g. 2). */
  readonly csatAtMost?: number;
}

/** Why a contact was marked: the percentage, its intent, or its CSAT answer. */
export type QaSampleReason = 'PERCENT' | 'INTENT' | 'CSAT';

/** What the rule looks at when a contact completes. */
export interface CompletedFacts {
  readonly contactId: string;
  readonly intent?: string;
}

/**
 * The contact's place in 0..9999, from a 32-bit FNV-1a hash of its id (spread well enough for
 * sampling, and the same on every machine; not a security measure).
 */
export function samplingBucket(contactId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < contactId.length; i++) {
    h ^= contactId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 10_000;
}

/** Whether the percentage part of the rule takes the contact (percent 0 never, 100 always). */
export function inPercentSample(contactId: string, percent: number): boolean {
  return samplingBucket(contactId) < Math.round(Math.min(100, Math.max(0, percent)) * 100);
}

/** The reasons the rule marks a contact at completion (empty: not marked). */
export function sampleAtCompletion(rule: QaSamplingRule | undefined, facts: CompletedFacts): QaSampleReason[] {
  if (rule === undefined) return [];
  const reasons: QaSampleReason[] = [];
  if (rule.percent !== undefined && inPercentSample(facts.contactId, rule.percent)) reasons.push('PERCENT');
  if (facts.intent !== undefined && (rule.intents ?? []).includes(facts.intent)) reasons.push('INTENT');
  return reasons;
}

/**
 * Whether a CSAT answer marks the contact. `alreadyMarked`: it was marked at completion (by
 * percentage or intent), so it is in the review list already and is not marked twice.
 */
export function sampleOnSurvey(rule: QaSamplingRule | undefined, score: number, alreadyMarked: boolean): QaSampleReason[] {
  if (rule?.csatAtMost === undefined || alreadyMarked) return [];
  return score <= rule.csatAtMost ? ['CSAT'] : [];
}
