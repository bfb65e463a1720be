import type { Command } from 'commander';
import { createPalette } from '../start/colours.js';
import { InfraUnavailableError } from '../start/infra.js';
import { Launcher } from '../start/launcher.js';
import { findRepoRoot } from '../start/repo-root.js';
import { numberOption } from '../sim/number-option.js';

interface StartOptions {
  demo?: boolean;
  rate?: number;
  agents?: number;
  speed?: number;
  load?: number;
  warmup?: number;
  vipShare?: number;
  domain: string;
  skip?: string;
  ingestInOneProcess?: boolean;
}

/**
 * `switchboard start` (`pnpm start`): the whole mesh on this machine, `--demo` with simulated
 * customers and agents. Runs until SIGINT/SIGTERM, then stops in order and exits 0 (1 when a
 * service did not stop cleanly, 2 when NATS/Redis cannot be had).
 */
export function register(program: Command): void {
  program.command('start')
    .description('start NATS, Redis (when not running) and every service; --demo adds simulated traffic and agents')
    .option('--demo', 'simulated phone, email, chat and WeChat customers and agents')
    .option('--rate <perMinute>', 'demo contacts per minute (default 30)', numberOption({ min: 0, exclusiveMin: true }))
    .option('--agents <n>', 'demo agents (default 16)', numberOption({ integer: true, min: 1 }))
    .option('--speed <x>', 'demo time compression: 10 = a 3-minute call lasts 18 s (default 10)', numberOption({ min: 0, exclusiveMin: true }))
    .option('--load <x>', 'demo demand as a multiple of the desks\' capacity, e.g. 1.5 = 150 % (instead of --rate; printed at start)', numberOption({ min: 0, exclusiveMin: true }))
    .option('--warmup <seconds>', 'with --load: this long at 70 % of capacity first, then --load (default 0)', numberOption({ min: 0 }))
    .option('--vip-share <x>', 'demo share of customers with a VIP tier, 0 to 1 (default 0.12; phone callers keep it)', numberOption({ min: 0 }))
    .option('--domain <id>', 'routing domain', 'default')
    .option('--skip <services>', 'comma-separated services not to start, e.g. ingest-grpc,ops')
    .option('--ingest-in-one-process', 'run the ingestion services in one process (services/ingest-all) instead of one each')
    .action(async (options: StartOptions) => {
      const launcher = new Launcher({
        root: findRepoRoot(),
        env: process.env,
        skip: (options.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        domain: options.domain,
        ingestInOneProcess: options.ingestInOneProcess ?? false,
        ...(options.demo ? { demo: { ratePerMinute: options.rate ?? 30, agents: options.agents ?? 16, speed: options.speed ?? 10,
          ...(options.load === undefined ? {} : { load: options.load, warmupSeconds: options.warmup ?? 0 }),
          ...(options.vipShare === undefined ? {} : { vipShare: Math.min(1, options.vipShare) }) } } : {}),
        write: (text) => process.stdout.write(text),
        palette: createPalette(process.stdout),
      });
      await runUntilSignalled(launcher);
    });
}

async function runUntilSignalled(launcher: Launcher): Promise<void> {
  let stopping: Promise<number> | undefined;
  let stopped = false;
  // `pnpm start | tee log` under Ctrl-C: tee dies first, and a write to the broken pipe must not
  // kill the launcher halfway through stopping the services.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') throw error; });
  }
  const stop = () => {
    if (stopping) {
      process.stderr.write('second signal: killing everything\n');
      launcher.killAll();
      process.exit(1);
    }
    stopping = launcher.stop();
    void stopping.then((code) => { stopped = true; process.exit(code); });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Children live in their own process groups; if the launcher dies unexpectedly, take them along.
  process.on('exit', () => { if (!stopped) launcher.killAll(); });
  try {
    await launcher.start();
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`switchboard start: ${(error as Error).message}\n`);
    stopping = launcher.stop();
    await stopping;
    stopped = true;
    process.exit(error instanceof InfraUnavailableError ? 2 : 1);
  }
}
