import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { queueConfig, type QueueConfig, type SimQueue, type SimScenario } from '@switchboard/routing-core';
import { queueSchema } from '@switchboard/router-api';
import { z } from 'zod';
import { describeIssues, scenarioFileSchema, type ScenarioFile } from './scenario-schema.js';

/** A validated scenario, with the queues of its rules file when it names one. */
export type LoadedScenario = ScenarioFile & { readonly ruleQueues?: readonly QueueConfig[] };

/** The part of a routing-rules file a scenario reads: its queues, as the router validates them. */
const rulesQueuesSchema = z.object({ queues: z.array(queueSchema) });

/** A scenario file that does not parse or validate; the message lists every bad field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Where the built-in scenarios live (`--scenario surge` = scenarios/surge.json). */
export const BUILT_IN_SCENARIOS = new URL('../../scenarios/', import.meta.url);

/**
 * A `--scenario` argument to a file: a path that exists, else the name of a built-in scenario
 * (`surge`, `two-skill-rings`, ...). Throws {@link ScenarioError} listing the built-ins.
 */
export async function resolveScenario(arg: string): Promise<string> {
  const isFile = async (p: string): Promise<boolean> => (await stat(p).catch(() => undefined))?.isFile() === true;
  if (await isFile(arg)) return arg;
  if (/^[a-z0-9][a-z0-9-]*$/.test(arg)) {
    const builtIn = new URL(`${arg}.json`, BUILT_IN_SCENARIOS).pathname;
    if (await isFile(builtIn)) return builtIn;
  }
  const names = (await readdir(BUILT_IN_SCENARIOS).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  throw new ScenarioError(`no scenario file ${arg}, nor a built-in of that name; built-in: ${names.join(', ')}`);
}

/** Reads and validates a `--scenario` JSON file (or built-in name). Throws {@link ScenarioError} naming the field. */
export async function loadScenarioFile(arg: string): Promise<LoadedScenario> {
  const path = await resolveScenario(arg);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ScenarioError(`cannot read scenario ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(`invalid scenario ${path}:\n${describeIssues(parsed.error)}`);
  if (parsed.data.rulesFile === undefined) return parsed.data;
  const rulesPath = resolve(dirname(path), parsed.data.rulesFile);
  let rulesRaw: unknown;
  try {
    rulesRaw = JSON.parse(await readFile(rulesPath, 'utf8'));
  } catch (cause) {
    throw new ScenarioError(`cannot read rules file ${rulesPath}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const rules = rulesQueuesSchema.safeParse(rulesRaw);
  if (!rules.success) throw new ScenarioError(`invalid rules file ${rulesPath}:\n${describeIssues(rules.error)}`);
  return { ...parsed.data, ruleQueues: rules.data.queues as QueueConfig[] };
}

/** Maps a validated file onto the simulator's scenario; `overrides` come from the command line. */
export function toSimScenario(file: LoadedScenario, overrides: { contacts?: number; seed?: number }): SimScenario {
  const contacts = overrides.contacts ?? file.contacts;
  if (contacts === undefined) throw new ScenarioError('contacts: give --contacts or "contacts" in the scenario');
  const queues: SimQueue[] = file.queues.map((q) => {
    const { id, arrivalsPerHour, handle, patience, channel, contactSkills, tier, basePriority, fromRules, ...engine } = q;
    const rules = fromRules === true ? file.ruleQueues?.find((r) => r.id === id) : undefined;
    if (fromRules === true && rules === undefined) throw new ScenarioError(`queues: "${id}" is not a queue of ${file.rulesFile ?? 'the rules file'}`);
    return {
      config: queueConfig(id, { ...rules, ...engine }),
      arrivalsPerHour,
      handle,
      ...(patience !== undefined ? { patience } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(contactSkills !== undefined ? { contactSkills } : {}),
      ...(tier !== undefined ? { tier } : {}),
      ...(basePriority !== undefined ? { basePriority } : {}),
    };
  });
  return {
    queues,
    agentGroups: file.agentGroups,
    contacts,
    seed: overrides.seed ?? file.seed ?? 1,
    ...(file.warmupSeconds !== undefined ? { warmupSeconds: file.warmupSeconds } : {}),
    ...(file.batches !== undefined ? { batches: file.batches } : {}),
    ...(file.behaviour !== undefined ? { behaviour: file.behaviour } : {}),
    ...(file.arrivalPhases !== undefined ? { arrivalPhases: file.arrivalPhases } : {}),
    ...(file.surge !== undefined ? { surge: file.surge } : {}),
  };
}
