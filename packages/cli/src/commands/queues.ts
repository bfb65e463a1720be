import type { Command } from 'commander';
import { clock, pct, secs, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';

/** The parts of `GET /api/snapshot` the queue and agent tables read. */
export interface SnapshotJson {
  queues?: { queueId: string; depth?: number; oldestWaitSeconds?: number; serviceLevel?: number | null; asaSeconds?: number | null;
    abandonRate?: number | null; agentsAvailable?: number; agentsBusy?: number; offersOpen?: number }[];
  agents?: { id: string; team?: string; presence?: { presence?: string; reason?: string; since?: string }; activeContactIds?: string[];
    queues?: { queueId: string }[]; consecutiveMisses?: number }[];
  targets?: { queueId: string; kind?: string; serviceLevelShare?: number; serviceLevelSeconds?: number }[];
  offers?: unknown[];
}

/** `switchboard queues`: live queues with depth, oldest wait and service level against target. */
export function register(program: Command): void {
  program.command('queues')
    .description('live queues: waiting, oldest wait, service level vs target (last 15 min), agents, offers')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the snapshot JSON')
    .action(async (options: OpsOptions) => {
      const snap = await getOps<SnapshotJson>(options, '/api/snapshot');
      if (options.json) return printJson({ queues: snap.queues ?? [], targets: snap.targets ?? [] });
      const targets = new Map((snap.targets ?? []).map((t) => [t.queueId, t]));
      const rows = (snap.queues ?? []).map((q) => {
        const t = targets.get(q.queueId);
        return [q.queueId, t?.kind ?? '', q.depth ?? 0, (q.depth ?? 0) > 0 ? clock(q.oldestWaitSeconds ?? 0) : '—',
          pct(q.serviceLevel), t ? `${pct(t.serviceLevelShare)} in ${t.serviceLevelSeconds ?? 20}s` : '—',
          secs(q.asaSeconds), pct(q.abandonRate), `${q.agentsAvailable ?? 0}/${q.agentsBusy ?? 0}`, q.offersOpen ?? 0];
      });
      process.stdout.write(`${table(['queue', 'kind', 'waiting', 'oldest', 'service level', 'target', 'ASA', 'abandoned', 'free/busy', 'offers'], rows)}\n`);
    });
}
