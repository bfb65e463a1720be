import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCommands } from './index.js';

/** Runs the CLI in-process and returns what it wrote to stdout. */
async function run(...args: string[]): Promise<string> {
  const program = new Command('switchboard').exitOverride();
  registerCommands(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(['node', 'switchboard', ...args]);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('switchboard sim', () => {
  it('prints one JSON object with the headline figures and the Erlang prediction', async () => {
    const out = await run('sim', '--agents', '5', '--arrivals-per-hour', '80', '--handle-seconds', '180', '--contacts', '2000', '--seed', '1', '--patience-seconds', '120', '--json');
    const result = JSON.parse(out) as Record<string, unknown>;
    for (const key of ['serviceLevel', 'probWait', 'asaSeconds', 'abandonRate', 'occupancy', 'contacts']) expect(typeof result[key]).toBe('number');
    expect(result.erlang).toMatchObject({ model: 'A', agents: 5 });
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('prints a table without --json', async () => {
    const out = await run('sim', '--agents', '5', '--arrivals-per-hour', '80', '--handle-seconds', '180', '--contacts', '1000', '--seed', '2');
    expect(out).toMatch(/queue\s+contacts\s+SL/);
    expect(out).toMatch(/Erlang C/);
  });

  it('runs the example scenarios', async () => {
    for (const name of ['two-skill-rings', 'vip-priority-chat']) {
      const path = new URL(`../../scenarios/${name}.json`, import.meta.url).pathname;
      const result = JSON.parse(await run('sim', '--scenario', path, '--contacts', '3000', '--json')) as { queues: unknown[]; contacts: number };
      expect(result.queues.length).toBeGreaterThanOrEqual(2);
      expect(result.contacts).toBeGreaterThan(2000);
    }
  });

  it('applies --sl-seconds to every queue of a scenario', async () => {
    const path = new URL('../../scenarios/two-skill-rings.json', import.meta.url).pathname;
    type Out = { serviceLevel: number; slSeconds: number; queues: { slSeconds: number; serviceLevel: number }[] };
    const sim = async (...extra: string[]) => JSON.parse(await run('sim', '--scenario', path, '--contacts', '3000', '--seed', '7', '--json', ...extra)) as Out;
    const tight = await sim('--sl-seconds', '1');
    const loose = await sim('--sl-seconds', '600');
    expect(tight.slSeconds).toBe(1);
    expect(tight.queues.map((q) => q.slSeconds)).toEqual(tight.queues.map(() => 1));
    expect(loose.queues.map((q) => q.slSeconds)).toEqual(loose.queues.map(() => 600));
    // Same seed, same run: only the threshold moved, so the share answered in time must differ.
    expect(loose.serviceLevel).toBeGreaterThan(tight.serviceLevel);
    const fileDefault = await sim();
    expect(fileDefault.queues.map((q) => q.slSeconds)).not.toEqual(tight.queues.map(() => 1));
  });

  it('refuses single-queue flags with --scenario instead of ignoring them', async () => {
    const path = new URL('../../scenarios/two-skill-rings.json', import.meta.url).pathname;
    await expect(run('sim', '--scenario', path, '--agents', '9', '--handle-seconds', '60', '--json'))
      .rejects.toThrow(/--agents, --handle-seconds describe the single-queue form; with --scenario set queues and agentGroups in the file/);
  });

  it('names the bad field of a scenario file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sim-'));
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({
      contacts: 100,
      queues: [{ id: 'q', arrivalsPerHour: 10, handle: { kind: 'exponential', meanSeconds: -1 } }],
      agentGroups: [{ idPrefix: 'a', count: 1, skills: {}, queues: [{ queueId: 'nope', priority: 0 }] }],
    }));
    await expect(run('sim', '--scenario', path, '--json')).rejects.toThrow(/queues\[0\]\.handle\.meanSeconds[\s\S]*agentGroups\[0\]\.queues\[0\]\.queueId: unknown queue "nope"/);
  });

  it('says which plain-form flags are missing', async () => {
    await expect(run('sim', '--agents', '3', '--json')).rejects.toThrow(/missing --arrivals-per-hour, --handle-seconds, --contacts/);
  });
});

describe('switchboard bench', () => {
  it('rejects unknown targets and lists the known ones', async () => {
    await expect(run('bench', 'core', 'warp')).rejects.toThrow(/unknown bench target 'warp'; known: .*\bcore\b/);
  });
});
