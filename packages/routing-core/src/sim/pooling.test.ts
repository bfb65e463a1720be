import { describe, expect, it } from 'vitest';
import { erlangC } from '../erlang/erlang-c.js';
import type { Ring } from '../model/queue.js';
import { queueConfig, type SimScenario } from './scenario.js';
import { simulate } from './simulator.js';

/**
 * Must-show 3: with two skills, pooling through rings beats strict skills on service level.
 *
 * Two queues (billing, tech), each needing its skill at proficiency ≥ 4, each offered 0.85 load per
 * agent of its own team. Every agent is expert (5) in its own skill and a novice (2) in the other.
 * Strict: no rings, so the teams are two separate M/M/10 queues. Pooled: after 10 s a contact's
 * ring 1 accepts proficiency ≥ 1, so an idle agent of the other team takes it. Both runs use the
 * same ordinary seed (common random numbers: identical arrivals and handle times), 40,000 contacts.
 */
function scenario(rings: readonly Ring[]): SimScenario {
  const queue = (id: string) => ({
    config: queueConfig(id, { requiredSkills: [{ skill: id, minProficiency: 4 }], rings }),
    arrivalsPerHour: (0.85 * 10 * 3600) / 180,
    handle: { kind: 'exponential', meanSeconds: 180 } as const,
  });
  const serves = [{ queueId: 'billing', priority: 0 }, { queueId: 'tech', priority: 0 }];
  return {
    queues: [queue('billing'), queue('tech')],
    agentGroups: [
      { idPrefix: 'b', count: 10, skills: { billing: 5, tech: 2 }, queues: serves },
      { idPrefix: 't', count: 10, skills: { tech: 5, billing: 2 }, queues: serves },
    ],
    contacts: 40_000,
    seed: 6,
  };
}

describe('pooling with rings vs strict skills (two skills, 2 × 10 agents, 0.85 load)', () => {
  it('rings raise the service level by far more than the noise', async ({ annotate }) => {
    const strict = simulate(scenario([]));
    const pooled = simulate(scenario([{ afterSeconds: 10, minProficiency: 1 }]));
    const s = strict.controlled.serviceLevel;
    const p = pooled.controlled.serviceLevel;
    const noise = Math.sqrt(s.standardError ** 2 + p.standardError ** 2);
    // Figures go to the report as test annotations (routing-core code has no console).
    await annotate(`pooling: SL strict ${pct(s.mean)} ±${pct(s.standardError)}, pooled ${pct(p.mean)} ±${pct(p.standardError)}; ` +
      `ASA strict ${strict.asaSeconds.toFixed(1)} s, pooled ${pooled.asaSeconds.toFixed(1)} s`);

    expect(p.mean - s.mean).toBeGreaterThan(3 * noise);
    expect(p.mean - s.mean).toBeGreaterThan(0.05);
    expect(pooled.asaSeconds).toBeLessThan(strict.asaSeconds);
    // Strict skills really are two separate M/M/10 queues.
    const separate = erlangC({ arrivalRate: (0.85 * 10) / 180, handleSeconds: 180, agents: 10, slSeconds: 20 });
    expect(Math.abs(s.mean - separate.serviceLevel)).toBeLessThan(Math.max(0.02, 4 * s.standardError));
    for (const q of strict.queues) expect(q.contacts).toBeGreaterThan(15_000);
  }, 180_000);
});

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
