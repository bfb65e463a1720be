import { createLogger } from '@switchboard/telemetry';
import { describe, expect, it } from 'vitest';
import { surveyFigures, type AgentView, type QueueConfig, type RoutingCommand } from '@switchboard/routing-core';
import type { QueueServiceDeps } from './deps.js';
import type { QueueRates } from './live-rates.js';
import type { ReplicaLease } from './replica-lease.js';
import { SurgeController } from './surge-controller.js';

const QUEUE: QueueConfig = {
  id: 'q1', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [], strategy: 'LONGEST_IDLE',
  agingRatePerSecond: 0, offerTimeoutSeconds: 20, wrapUpSeconds: 0, missesBeforeAway: 3, stickyAgentWaitSeconds: 0,
  surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 1, horizonSeconds: 900 },
};

const agent = (id: string): AgentView => ({
  id, skills: {}, languages: [], team: 't', capacity: { phone: 1 }, queues: [{ queueId: 'q1', priority: 1 }], presence: 'AVAILABLE',
  idleSinceMs: 0, used: { phone: 0, chat: 0, email: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [],
});

/** A domain with ten phone agents on q1, a router that records commands, and live rates the test sets. */
function world(rates: Partial<QueueRates>, mode = { active: false, pinned: false }) {
  const commands: RoutingCommand[] = [];
  const surge = { ...mode, sinceMs: 0 };
  const deps = {
    logger: createLogger({ service: 'surge-test', level: 'silent' }),
    now: () => 1_800_000_000_000,
    router: () => ({
      query: async (q: { query: string }) => (q.query === 'queues'
        ? { ok: true, queues: [{ queueId: 'q1', waiting: 0, offered: 0, config: QUEUE, mode: { open: true, surge } }] }
        : { ok: true, agents: Array.from({ length: 10 }, (_, i) => agent(`a${i}`)) }),
      command: async (command: RoutingCommand) => {
        commands.push(command);
        if (command.type === 'SET_SURGE') surge.active = command.active;
        return { ok: true };
      },
    }),
    rates: {
      rates: (): QueueRates => ({ cycleSeconds: 180, serviceLevel: 1, asaSeconds: 0, abandonRate: 0, firstContactResolution: Number.NaN, arrivalsPerSecond: 0, patienceSeconds: 120, survey: surveyFigures(0, []), ...rates, arrivalsPerSecondHigh: rates.arrivalsPerSecondHigh ?? rates.arrivalsPerSecond ?? 0 }),
      mainChannel: () => 'phone',
    },
  } as unknown as QueueServiceDeps;
  const lease = { holds: async () => true } as unknown as ReplicaLease;
  return { controller: new SurgeController({ deps, domain: 'd1', lease, intervalMs: 1_000, logger: deps.logger }), commands };
}

describe('surge controller', () => {
  it('switches surge on when the forecast predicts a breach, with the forecast and a readable reason', async () => {
    // 10 agents, AHT 180 s: 0.06 calls/s is 10.8 Erlangs — more than the agents can carry.
    const { controller, commands } = world({ arrivalsPerSecond: 0.06 });
    expect(await controller.tick()).toBe(1);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ type: 'SET_SURGE', queueId: 'q1', active: true, source: 'FORECAST' });
    const command = commands[0] as Extract<RoutingCommand, { type: 'SET_SURGE' }>;
    expect(command.predictedServiceLevel).toBeLessThan(0.8);
    expect(command.reason).toMatch(/forecast service level \d+(\.\d)?% < target 80%.*10 agents/);
    expect(await controller.tick()).toBe(0); // already surging: no second switch
  });

  it('leaves a calm queue alone, and never overrides a supervisor’s pin', async () => {
    expect(await world({ arrivalsPerSecond: 0.02 }).controller.tick()).toBe(0);
    const pinned = world({ arrivalsPerSecond: 0.06 }, { active: false, pinned: true });
    expect(await pinned.controller.tick()).toBe(0);
    expect(pinned.commands).toEqual([]);
  });

  it('switches surge off only after the forecast has been back above target for a few intervals', async () => {
    const { controller, commands } = world({ arrivalsPerSecond: 0.01 }, { active: true, pinned: false });
    expect([await controller.tick(), await controller.tick()]).toEqual([0, 0]);
    expect(await controller.tick()).toBe(1);
    expect(commands[0]).toMatchObject({ type: 'SET_SURGE', active: false, source: 'FORECAST' });
  });
});
