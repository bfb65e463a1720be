import type { Command } from 'commander';
import { erlangA, erlangC, simulate, singleQueueScenario, type SimScenario } from '@switchboard/routing-core';
import { loadScenarioFile, ScenarioError, toSimScenario } from '../sim/load-scenario.js';
import { numberOption } from '../sim/number-option.js';
import { simJson, simTable } from '../sim/sim-output.js';

interface SimOptions {
  agents?: number;
  arrivalsPerHour?: number;
  handleSeconds?: number;
  contacts?: number;
  seed?: number;
  patienceSeconds?: number;
  slSeconds?: number;
  warmupSeconds?: number;
  scenario?: string;
  json?: boolean;
}

/**
 * `switchboard sim`: a seeded discrete-event simulation driving the routing engine. The plain form
 * is one FIFO queue (and prints the Erlang C / A prediction beside it); `--scenario` takes a JSON
 * file with several queues, skills and agent groups, or the name of a built-in (`surge`: demand
 * ramping to 150 % of capacity with the surge controller on, figures under `surge`).
 */
export function register(program: Command): void {
  program.command('sim')
    .description('simulate a contact centre on the routing engine and report service level, ASA, abandonment, occupancy')
    .option('--agents <n>', 'agents on the single queue', numberOption({ integer: true, min: 1 }))
    .option('--arrivals-per-hour <l>', 'Poisson arrival rate', numberOption({ min: 0, exclusiveMin: true }))
    .option('--handle-seconds <h>', 'mean (exponential) handle time', numberOption({ min: 0, exclusiveMin: true }))
    .option('--contacts <k>', 'arrivals to simulate', numberOption({ integer: true, min: 1 }))
    .option('--seed <s>', 'random seed (default 1)', numberOption({ integer: true }))
    .option('--patience-seconds <p>', 'mean (exponential) patience; omit for no abandonment', numberOption({ min: 0, exclusiveMin: true }))
    .option('--sl-seconds <t>', 'service-level threshold (default 20; with --scenario, overrides every queue\'s)', numberOption({ min: 0 }))
    .option('--warmup-seconds <w>', 'unmeasured start (default 10 % of the run)', numberOption({ min: 0 }))
    .option('--scenario <file|name>', 'JSON scenario with several queues, skills and agent groups, or a built-in: surge, two-skill-rings, vip-priority-chat')
    .option('--json', 'print one JSON object')
    .action(async (options: SimOptions) => {
      const { scenario, erlang } = await buildScenario(options);
      const result = simulate(scenario);
      const output = options.json === true ? JSON.stringify(simJson(result, erlang)) : simTable(result, erlang);
      process.stdout.write(`${output}\n`);
    });
}

/** Flags that only describe the single-queue form; a scenario file says these things itself. */
const PLAIN_ONLY = ['agents', 'arrivalsPerHour', 'handleSeconds', 'patienceSeconds'] as const;

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

async function buildScenario(options: SimOptions) {
  if (options.scenario !== undefined) {
    // Refused rather than ignored: a run that silently drops a flag answers a different question.
    const plainOnly = PLAIN_ONLY.filter((k) => options[k] !== undefined);
    if (plainOnly.length > 0) {
      throw new ScenarioError(`${plainOnly.map(flagOf).join(', ')} describe the single-queue form; with --scenario set queues and agentGroups in the file`);
    }
    const file = await loadScenarioFile(options.scenario);
    const overrides = { ...(options.contacts !== undefined ? { contacts: options.contacts } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) };
    const scenario = withSlSeconds(toSimScenario(file, overrides), options.slSeconds);
    return { scenario: options.warmupSeconds !== undefined ? { ...scenario, warmupSeconds: options.warmupSeconds } : scenario, erlang: undefined };
  }
  const missing = (['agents', 'arrivalsPerHour', 'handleSeconds', 'contacts'] as const).filter((k) => options[k] === undefined);
  if (missing.length > 0) {
    const flags = missing.map(flagOf);
    throw new ScenarioError(`missing ${flags.join(', ')} (or give --scenario <file>)`);
  }
  const input = {
    agents: options.agents!, arrivalsPerHour: options.arrivalsPerHour!, handleSeconds: options.handleSeconds!,
    contacts: options.contacts!, seed: options.seed ?? 1, slSeconds: options.slSeconds ?? 20,
    ...(options.patienceSeconds !== undefined ? { patienceSeconds: options.patienceSeconds } : {}),
    ...(options.warmupSeconds !== undefined ? { warmupSeconds: options.warmupSeconds } : {}),
  };
  const model = { arrivalRate: input.arrivalsPerHour / 3600, handleSeconds: input.handleSeconds, agents: input.agents, slSeconds: input.slSeconds };
  const erlang = input.patienceSeconds === undefined
    ? { model: 'C' as const, agents: input.agents, ...erlangC(model) }
    : { model: 'A' as const, agents: input.agents, ...erlangA({ ...model, patienceSeconds: input.patienceSeconds }) };
  return { scenario: singleQueueScenario(input), erlang };
}

/** `--sl-seconds` with a scenario: every queue's service-level threshold (its target share kept). */
function withSlSeconds(scenario: SimScenario, slSeconds: number | undefined): SimScenario {
  if (slSeconds === undefined) return scenario;
  return {
    ...scenario,
    queues: scenario.queues.map((q) => ({ ...q, config: { ...q.config, serviceLevel: { ...q.config.serviceLevel, withinSeconds: slSeconds } } })),
  };
}
