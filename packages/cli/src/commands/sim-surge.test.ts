import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SimSurgeReport } from '@switchboard/routing-core';
import { registerCommands } from './index.js';

/** Runs the CLI in-process and returns what it wrote to stdout. */
async function run(...args: string[]): Promise<string> {
  const program = new Command('switchboard').exitOverride();
  registerCommands(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'switchboard', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

type SurgeOut = { serviceLevel: number; arrivals: number; surge: SimSurgeReport };

describe('switchboard sim --scenario surge', () => {
  it('enters surge before the service level breaches, keeps VIP at ≥ 90 %, offers every waiting non-VIP caller a callback', async () => {
    const started = performance.now();
    const result = JSON.parse(await run('sim', '--scenario', 'surge', '--json')) as SurgeOut;
    const seconds = (performance.now() - started) / 1000;
    const { surge } = result;
    const figures = {
      vipServiceLevel: surge.vipServiceLevel,
      nonVipServiceLevel: surge.nonVipServiceLevel,
      callbacksOffered: surge.callbacksOffered,
      callbacksRequested: surge.callbacksRequested,
      waitedPastThreshold: surge.waitedPastThreshold,
      waitedPastThresholdOffered: surge.waitedPastThresholdOffered,
      queues: surge.queues.map((q) => ({ queueId: q.queueId, serviceLevel: q.serviceLevel, surgeStartedAtSeconds: q.surgeStartedAtSeconds,
        firstBreachAtSeconds: q.firstBreachAtSeconds, surgeBeforeBreach: q.surgeBeforeBreach, callbacksOffered: q.callbacksOffered,
        waitedPastThreshold: q.waitedPastThreshold })),
      changes: surge.changes.length,
      runSeconds: Number(seconds.toFixed(2)),
    };
    // The figures, in the test output (the README quotes them).
    console.log(`surge scenario: ${JSON.stringify(figures)}`);

    expect(result.arrivals).toBe(2500);
    for (const q of surge.queues) expect(q.surgeBeforeBreach, `${q.queueId}: surge at ${q.surgeStartedAtSeconds}, breach at ${q.firstBreachAtSeconds}`).toBe(true);
    const general = surge.queues.find((q) => q.queueId === 'general');
    // Demand reached 150 % of capacity: the general queue did breach, and surge came first.
    expect(general?.firstBreachAtSeconds).not.toBeNull();
    expect(general!.surgeStartedAtSeconds!).toBeLessThan(general!.firstBreachAtSeconds!);
    expect(surge.vipServiceLevel).toBeGreaterThanOrEqual(0.9);
    expect(surge.waitedPastThreshold).toBeGreaterThan(0);
    expect(surge.waitedPastThresholdOffered).toBe(surge.waitedPastThreshold);
    expect(surge.callbacksOffered).toBeGreaterThanOrEqual(surge.waitedPastThreshold);
    expect(surge.callbacksRequested).toBeGreaterThan(0);
    // Every change is on record with its reason.
    expect(surge.changes.length).toBeGreaterThan(0);
    for (const c of surge.changes) expect(c.reason).toMatch(/^forecast service level \d+(\.\d)?% (<|≥) /);
    expect(seconds).toBeLessThan(10);
  });

  it('prints the surge figures in the table', async () => {
    const out = await run('sim', '--scenario', 'surge', '--contacts', '1500');
    expect(out).toMatch(/surge: VIP SL [\d.]+ %, non-VIP SL/);
    expect(out).toMatch(/general: SL .* surge from \d+ s/);
    expect(out).toMatch(/s general surge on \(FORECAST\): forecast service level/);
  });

  it('names the built-in scenarios when the name is unknown', async () => {
    await expect(run('sim', '--scenario', 'no-such-scenario', '--json')).rejects.toThrow(/built-in: .*\bsurge\b.*\btwo-skill-rings\b/);
  });

  it('runs the live rules: the VIP and general queues are the router\'s rules file\'s own', async () => {
    const rules = JSON.parse(await readFile(new URL('../../../../services/router/config/routing-rules.json', import.meta.url), 'utf8')) as
      { queues: { id: string; surge?: { callbackOfferAfterSeconds: number } }[] };
    const scenario = JSON.parse(await readFile(new URL('../../scenarios/surge.json', import.meta.url), 'utf8')) as { queues: Record<string, unknown>[] };
    for (const id of ['vip', 'general']) expect(scenario.queues.find((q) => q.id === id)).toMatchObject({ fromRules: true });
    const result = JSON.parse(await run('sim', '--scenario', 'surge', '--contacts', '300', '--json')) as SurgeOut;
    const general = result.surge.queues.find((q) => q.queueId === 'general');
    expect(general?.callbackOfferAfterSeconds).toBe(rules.queues.find((q) => q.id === 'general')?.surge?.callbackOfferAfterSeconds);
  });

});
