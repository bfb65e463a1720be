import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@switchboard/testkit';

const run = promisify(execFile);

/**
 * A smoke check, not a timed test: `switchboard bench --quick --json` still runs every target on
 * private servers and writes one complete JSON file and its chart. No figure is judged here.
 */
describe('switchboard bench --quick', () => {
  it('writes one JSON with every figure and the chart', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/cli/src/main.ts', 'bench', '--quick', '--json'],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
    const printed = JSON.parse(stdout.trim().split('\n').at(-1)!) as { files: { json: string; chart: string } } & Record<string, unknown>;
    expect(existsSync(printed.files.chart)).toBe(true);
    expect(readFileSync(printed.files.chart, 'utf8')).toContain('<polyline');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document read back; the assertions below are its shape check
    const report = JSON.parse(readFileSync(printed.files.json, 'utf8')) as Record<string, any>;
    expect(report.quick).toBe(true);
    expect(report.ceiling).toMatchObject({ jetstreamPublishPerSecond: expect.any(Number), jetstreamConsumeAckPerSecond: expect.any(Number),
      redisCommitScriptsPerSecond: expect.any(Number), coreCommandsPerSecond: expect.any(Number) });
    const f = report.figures;
    for (const run of [f.router.oneReplica, f.router.threeReplicas, f.overhead.off, f.overhead.on]) {
      expect(run.contactsPerSecond).toBeGreaterThan(0);
    }
    expect(f.router).toMatchObject({ threeOverOne: expect.any(Number), oneReplicaShareOfCeiling: expect.any(Number), ceilingContactsPerSecond: expect.any(Number) });
    expect(f.overhead.costShare).toEqual(expect.any(Number));
    expect(f.overhead.otlpExportRequests).toBeGreaterThan(0);
    expect(f.e2e.saturationContactsPerSecond).toBeGreaterThan(0);
    expect(f.e2e.steps.map((s: { loadShare: number }) => s.loadShare)).toEqual([0.25, 0.5, 0.8]);
    for (const step of f.e2e.steps) expect(step.ingestToOfferMs).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number) });
    expect(f.scale).toMatchObject({ waitingContacts: expect.any(Number), redisUsedMemoryMb: expect.any(Number), routerRssMb: expect.any(Number) });
    expect(f.scale.agentFreedToOfferMs.count).toBeGreaterThan(0);
    expect(f.scale.arrivalToQueuedMs.count).toBeGreaterThan(0);
    expect(f.core.decisionUs.p99).toEqual(expect.any(Number));
    for (const name of ['small', 'large', 'manyLive']) {
      const soakCase = f.soak.cases[name];
      expect(soakCase.errors).toEqual([]);
      expect(soakCase.settled.settled).toBe(true);
      expect(soakCase.takeovers.length).toBeGreaterThan(0);
      // Every takeover went on from the state the standby followed, not from the whole history.
      expect(soakCase.takeovers.every((t: { rebuild: { warm: boolean; replayed: number } }) => t.rebuild.warm && t.rebuild.replayed < soakCase.load.logRecords)).toBe(true);
      expect(soakCase.redisLoss.rebuild.source).toBe('jetstream');
      expect(soakCase.checkpoints.pauseMs.p99).toEqual(expect.any(Number));
    }
    expect(f.soak.largeOverSmall).toMatchObject({ redisUsedMemory: expect.any(Number), routerRss: expect.any(Number), takeover: expect.any(Number) });
    expect(report.targets.every((t: { measured: unknown }) => typeof t.measured === 'number')).toBe(true);
  }, 270_000);
});
