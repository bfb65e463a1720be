import { readFile } from 'node:fs/promises';
import { queueConfig, type SimQueue, type SimScenario } from '@switchboard/routing-core';
import { describeIssues, scenarioFileSchema, type ScenarioFile } from './scenario-schema.js';

/** A scenario file that does not parse or validate; the message lists every bad field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Reads and validates a `--scenario` JSON file. Throws {@link ScenarioError} naming the field. */
export async function loadScenarioFile(path: string): Promise<ScenarioFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ScenarioError(`cannot read scenario ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(`invalid scenario ${path}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Maps a validated file onto the simulator's scenario; `overrides` come from the command line. */
export function toSimScenario(file: ScenarioFile, overrides: { contacts?: number; seed?: number }): SimScenario {
  const contacts = overrides.contacts ?? file.contacts;
  if (contacts === undefined) throw new ScenarioError('contacts: give --contacts or "contacts" in the scenario');
  const queues: SimQueue[] = file.queues.map((q) => {
    const { id, arrivalsPerHour, handle, patience, channel, contactSkills, ...engine } = q;
    return {
      config: queueConfig(id, engine),
      arrivalsPerHour,
      handle,
      ...(patience !== undefined ? { patience } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(contactSkills !== undefined ? { contactSkills } : {}),
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
  };
}
