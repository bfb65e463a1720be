import { describe, expect, it } from 'vitest';
import { queueConfig, singleQueueScenario, type SimScenario } from './scenario.js';
import { simulate } from './simulator.js';

/** Small runs: behaviour of the simulator itself, not statistics (see erlang-*.test.ts). */
describe('simulate', () => {
  const base = { agents: 5, arrivalsPerHour: 80, handleSeconds: 180, contacts: 3000 };

  it('is deterministic in its seed', () => {
    const a = simulate(singleQueueScenario({ ...base, seed: 1 }));
    expect(simulate(singleQueueScenario({ ...base, seed: 1 }))).toEqual(a);
    expect(simulate(singleQueueScenario({ ...base, seed: 2 })).serviceLevel).not.toBe(a.serviceLevel);
  });

  it('accounts for every measured contact and drains the run', () => {
    const r = simulate(singleQueueScenario({ ...base, seed: 3, patienceSeconds: 60 }));
    expect(r.arrivals).toBe(3000);
    expect(r.contacts).toBeGreaterThan(2500);
    expect(r.contacts).toBeLessThan(3000);
    expect(r.abandonRate).toBeGreaterThan(0);
    expect(r.serviceLevel).toBeLessThanOrEqual(1 - r.abandonRate);
    expect(r.accepted + r.contacts * r.abandonRate).toBeGreaterThanOrEqual(r.contacts);
    expect(r.simulatedSeconds).toBeGreaterThan(r.measuredSeconds);
    expect(r.occupancy).toBeGreaterThan(0.5);
    expect(r.occupancy).toBeLessThanOrEqual(1);
  });

  it('never abandons without patience, and reports standard errors', () => {
    const r = simulate(singleQueueScenario({ ...base, seed: 4 }));
    expect(r.abandonRate).toBe(0);
    expect(r.standardErrors.serviceLevel).toBeGreaterThan(0);
    expect(r.controlled.serviceLevel.standardError).toBeGreaterThan(0);
    expect(r.queues.map((q) => q.queueId)).toEqual(['main']);
  });

  const twoQueues = (overrides: Partial<SimScenario> = {}): SimScenario => ({
    queues: [
      { config: queueConfig('sales', { wrapUpSeconds: 30 }), arrivalsPerHour: 40, handle: { kind: 'lognormal', meanSeconds: 200, cv: 0.5 } },
      { config: queueConfig('care'), arrivalsPerHour: 20, channel: 'chat', handle: { kind: 'constant', seconds: 120 } },
    ],
    agentGroups: [
      { idPrefix: 's', count: 4, skills: {}, queues: [{ queueId: 'sales', priority: 0 }] },
      { idPrefix: 'c', count: 2, skills: {}, capacity: { chat: 2 }, queues: [{ queueId: 'care', priority: 0 }] },
    ],
    contacts: 3000,
    seed: 5,
    ...overrides,
  });

  it('counts wrap-up in AHT and breaks figures down per queue', () => {
    const r = simulate(twoQueues());
    const sales = r.queues.find((q) => q.queueId === 'sales');
    const care = r.queues.find((q) => q.queueId === 'care');
    expect(Math.abs((sales?.ahtSeconds ?? 0) - 230) / 230).toBeLessThan(0.06);
    expect(care?.ahtSeconds).toBeCloseTo(120, 6);
    expect((sales?.contacts ?? 0) + (care?.contacts ?? 0)).toBe(r.contacts);
  });

  it('lets simulated agents decline and still answers every contact', () => {
    const r = simulate(twoQueues({ behaviour: { declineProbability: 0.2, acceptDelaySeconds: 2 } }));
    expect(r.declined).toBeGreaterThan(0);
    expect(r.offered).toBeGreaterThan(r.accepted);
    expect(r.abandonRate).toBe(0);
    // Accepting takes 2 s, so nobody is answered at once.
    expect(r.asaSeconds).toBeGreaterThanOrEqual(2);
  });

  it('signs agents in and out on their shifts', () => {
    const late = twoQueues({
      agentGroups: [
        { idPrefix: 's', count: 4, skills: {}, queues: [{ queueId: 'sales', priority: 0 }], shift: { startSeconds: 0, endSeconds: 40_000 } },
        { idPrefix: 'n', count: 4, skills: {}, queues: [{ queueId: 'sales', priority: 0 }], shift: { startSeconds: 36_000 } },
        { idPrefix: 'c', count: 2, skills: {}, capacity: { chat: 2 }, queues: [{ queueId: 'care', priority: 0 }] },
      ],
    });
    const r = simulate(late);
    const allDay = simulate(twoQueues());
    // Extra staff for part of the run: better service, lower occupancy.
    expect(r.serviceLevel).toBeGreaterThan(allDay.serviceLevel);
    expect(r.occupancy).toBeLessThan(allDay.occupancy);
  });

  it('rejects scenarios it cannot run, naming the field', () => {
    expect(() => simulate({ ...twoQueues(), contacts: 0 })).toThrow(/contacts/);
    expect(() => simulate({ ...twoQueues(), behaviour: { declineProbability: 1 } })).toThrow(/declineProbability/);
  });
});
