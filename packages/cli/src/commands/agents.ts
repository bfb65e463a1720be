import type { Command } from 'commander';
import { clock, enumLabel, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { showAgentPerformance, type AgentPerformanceOptions } from './agent-performance.js';
import type { SnapshotJson } from './queues.js';

/** `switchboard agents`: agents, their states and the contacts they hold. */
export function register(program: Command): void {
  program.command('agents')
    .description('agents: presence, contacts held, queues served, time in state; with --interval, performance per agent and interval')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the agents (or their performance rows) as JSON')
    .option('--interval <15m|1h|1d|range>', 'performance per agent and interval instead of the live states')
    .option('--from <time>', 'performance from: ISO time or duration back from now (default 1d)')
    .option('--to <time>', 'performance until: ISO time or duration back from now (default now)')
    .option('--agent <id...>', 'performance of these agents only')
    .option('--csv', 'performance as CSV (for BI tools)')
    .action(async (options: OpsOptions & AgentPerformanceOptions) => {
      if (options.interval || options.from || options.to || options.agent || options.csv) return showAgentPerformance(options);
      const snap = await getOps<SnapshotJson>(options, '/api/snapshot');
      if (options.json) return printJson({ agents: snap.agents ?? [], offers: snap.offers ?? [] });
      const now = Date.now();
      const rows = (snap.agents ?? []).map((a) => {
        const since = Date.parse(a.presence?.since ?? '');
        const held = a.activeContactIds ?? [];
        const state = held.length > 0 && a.presence?.presence === 'PRESENCE_AVAILABLE' ? 'busy' : enumLabel(a.presence?.presence, 'PRESENCE_');
        return [a.id, a.team || '—', a.presence?.reason ? `${state} (${a.presence.reason})` : state, held.length, held.join(' ') || '—',
          (a.queues ?? []).map((q) => q.queueId).join(', '), Number.isFinite(since) ? clock((now - since) / 1000) : '—', a.consecutiveMisses ?? 0];
      });
      process.stdout.write(`${table(['agent', 'team', 'state', 'held', 'contacts', 'queues', 'free since', 'misses'], rows)}\n`);
    });
}
