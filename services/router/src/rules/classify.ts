import { readFileSync } from 'node:fs';
import type { Channel, CustomerTier, QueueConfig, SkillRequirement } from '@switchboard/routing-core';
import { rulesFileSchema, type RoutingRule, type RulesFile } from './schema.js';

/** What the rules look at. */
export interface ContactFacts {
  readonly channel: Channel;
  readonly tier: CustomerTier;
  readonly language?: string;
  readonly intent?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Where the rules send a contact, and which rule said so (for the explanation). */
export interface Classification {
  readonly queueId: string;
  readonly basePriority: number;
  readonly requiredSkills: readonly SkillRequirement[];
  readonly rule: string;
}

/** A loaded, validated rule set. */
export interface RuleSet {
  readonly version: string;
  readonly queues: readonly QueueConfig[];
  classify(facts: ContactFacts): Classification;
}

/** Thrown when the rules file is missing or invalid; the message names the field. */
export class RulesFileError extends Error {
  override readonly name = 'RulesFileError';
}

/** Reads and validates a rules file. */
export function loadRuleSet(path: string): RuleSet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RulesFileError(`cannot read routing rules ${path}: ${(error as Error).message}`, { cause: error });
  }
  return ruleSetFrom(raw, path);
}

/** Validates parsed rules; `source` names them in errors. */
export function ruleSetFrom(raw: unknown, source = 'rules'): RuleSet {
  const parsed = rulesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RulesFileError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return compile(parsed.data);
}

function compile(file: RulesFile): RuleSet {
  const queues = file.queues as QueueConfig[];
  return {
    version: file.version,
    queues,
    classify(facts) {
      const rule = file.rules.find((r) => matches(r, facts));
      if (!rule) return { queueId: file.fallback.queue, basePriority: file.fallback.priority, requiredSkills: [], rule: 'fallback' };
      return { queueId: rule.route.queue, basePriority: rule.route.priority, requiredSkills: rule.route.skills, rule: rule.name };
    },
  };
}

function matches(rule: RoutingRule, facts: ContactFacts): boolean {
  const m = rule.match;
  if (m.channel && !m.channel.includes(facts.channel)) return false;
  if (m.tier && !m.tier.includes(facts.tier)) return false;
  if (m.language && !(facts.language && m.language.some((l) => sameLanguage(l, facts.language!)))) return false;
  if (m.intent && !(facts.intent && m.intent.includes(facts.intent))) return false;
  for (const [key, value] of Object.entries(m.attributes ?? {})) if (facts.attributes[key] !== value) return false;
  return true;
}

/** "zh" matches "zh-CN"; "zh-CN" matches only itself (case-insensitive). */
function sameLanguage(rule: string, tag: string): boolean {
  const r = rule.toLowerCase();
  const t = tag.toLowerCase();
  return t === r || t.startsWith(`${r}-`);
}
