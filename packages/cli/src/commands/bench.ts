import { cpus, totalmem } from 'node:os';
import type { Command } from 'commander';
import { benchTargets } from '../bench/targets.js';
import { latencyChartSvg } from '../bench/chart.js';
import { saveRun } from '../bench/results.js';
import { BenchSession } from '../bench/session.js';
import { checkTargets } from '../bench/summary.js';

/**
 * `switchboard bench [targets...] [--quick] [--json]`: runs benchmark targets from the dispatch
 * table in bench/targets.ts on one pair of private NATS/Redis servers, and writes ONE JSON file per
 * run (every target's figures, the machine's ceiling beside them, the issue's targets checked)
 * plus an SVG chart of latency percentiles against load to bench/results/. The JSON is also
 * printed on stdout.
 */
export function register(program: Command): void {
  program.command('bench')
    .description(`run benchmarks (targets: ${Object.keys(benchTargets).join(', ')})`)
    .argument('[targets...]', 'targets to run (default: the default set)')
    .option('--quick', 'small sizes: a smoke run, not a measurement')
    .option('--json', 'only JSON on stdout, no progress on stderr')
    .action(async (names: string[], options: { quick?: boolean; json?: boolean }) => {
      const unknown = names.filter((name) => !Object.hasOwn(benchTargets, name));
      if (unknown.length > 0) {
        throw new Error(`unknown bench target${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(benchTargets).join(', ')}`);
      }
      const wanted = new Set(names);
      const selected = Object.entries(benchTargets).filter(([n, t]) => (wanted.size > 0 ? wanted.has(n) : t.runByDefault)).map(([n]) => n);
      const log = options.json === true ? () => undefined : (line: string) => process.stderr.write(`${line}\n`);
      const quick = options.quick === true;
      const session = new BenchSession(quick ? 500 : 20_000);
      const at = new Date();
      const figures: Record<string, Record<string, unknown>> = {};
      try {
        for (const name of selected) {
          const started = performance.now();
          log(`bench ${name}: running`);
          try {
            figures[name] = { ...(await benchTargets[name]!.run({ quick, log, session })), seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
          } catch (error) {
            // One broken target must not cost the others' figures: the JSON says what failed.
            figures[name] = { error: (error as Error).message };
            log(`bench ${name}: failed: ${(error as Error).message}`);
          }
        }
      } finally {
        await session.close();
      }
      const ceiling = figures.ceiling ?? (await session.measuredCeiling());
      const report = {
        at: at.toISOString(), quick, command: `pnpm bench${names.length > 0 ? ` ${names.join(' ')}` : ''}${quick ? ' --quick' : ''}`,
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
        ...(ceiling ? { ceiling } : {}),
        targets: checkTargets(figures),
        figures,
      };
      const steps = ((figures.e2e?.steps ?? []) as { offeredRate: number; ingestToOfferMs: { p50: number; p99: number; p999: number } }[])
        .map((s) => ({ rate: s.offeredRate, p50: s.ingestToOfferMs.p50, p99: s.ingestToOfferMs.p99, p999: s.ingestToOfferMs.p999 }));
      const saved = await saveRun(report, latencyChartSvg(`Ingest → offer latency vs load (${at.toISOString().slice(0, 16)}${quick ? ', quick' : ''})`, steps), at);
      process.stdout.write(`${JSON.stringify({ ...report, files: saved })}\n`);
      log(`bench: written to ${saved.json} and ${saved.chart}`);
    });
}
