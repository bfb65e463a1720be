import type { Command } from 'commander';
import { clock, pct, secs, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { registerQueueAdmin } from './queue-admin.js';

/** The parts of `GET /api/snapshot` the queue and agent tables read. */
export interface SnapshotJson {
  queues?: { queueId: string; depth?: number; oldestWaitSeconds?: number; serviceLevel?: number | null; asaSeconds?: number | null;
    abandonRate?: number | null; agentsAvailable?: number; agentsBusy?: number; offersOpen?: number }[];
  agents?: { id: string; team?: string; presence?: { presence?: string; reason?: string; since?: string }; activeContactIds?: string[];
    queues?: { queueId: string }[]; consecutiveMisses?: number }[];
  targets?: { queueId: string; kind?: string; serviceLevelShare?: number; serviceLevelSeconds?: number }[];
  offers?: unknown[];
  modes?: QueueModeJson[];
}

/** A queue's mode in the snapshot (proto3 JSON: false, 0 and '' are left out). */
export interface QueueModeJson {
  queueId: string;
  open?: boolean;
  reason?: string;
  holiday?: string;
  emergencyClosedReason?: string;
  nextChangeAt?: string;
  nextChangeLocal?: string;
  hours?: { timeZone?: string };
  surgeActive?: boolean;
  surgePinned?: boolean;
  surgeSource?: string;
  surgeAuto?: boolean;
  forecastServiceLevel?: number | null;
}

/** The open, next change, surge and forecast cells of a queue's row. */
export function modeCells(m: QueueModeJson | undefined): string[] {
  if (!m) return ['—', '—', '—', '—'];
  const why = m.reason === 'HOLIDAY' && m.holiday ? `holiday ${m.holiday}` : (m.reason ?? 'schedule').toLowerCase();
  const open = m.open ? `open (${why})` : `closed (${why}${m.emergencyClosedReason ? `: ${m.emergencyClosedReason}` : ''})`;
  const next = m.nextChangeLocal ? `${m.nextChangeLocal} ${m.hours?.timeZone ?? ''}`.trim() : m.nextChangeAt ?? '—';
  const surge = m.surgeActive
    ? `on (${[m.surgeSource?.toLowerCase(), m.surgePinned ? 'pinned' : undefined].filter(Boolean).join(', ') || 'on'})`
    : `off${m.surgePinned ? ' (pinned)' : m.surgeAuto ? ' (auto)' : ''}`;
  return [open, next, surge, pct(m.forecastServiceLevel)];
}

/**
 * `switchboard queues`: live queues with depth, oldest wait, service level against target, open
 * or closed, surge and the forecast; `queues surge` and `queues hours` change them.
 */
export function register(program: Command): void {
  const queues = program.command('queues')
    .description('live queues: open/closed and why, next change, surge, waiting, oldest wait, service level vs target and forecast (last 15 min), agents, offers');
  queues
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the snapshot JSON')
    .action(async (options: OpsOptions) => {
      const snap = await getOps<SnapshotJson>(options, '/api/snapshot');
      if (options.json) return printJson({ queues: snap.queues ?? [], targets: snap.targets ?? [], modes: snap.modes ?? [] });
      const targets = new Map((snap.targets ?? []).map((t) => [t.queueId, t]));
      const modes = new Map((snap.modes ?? []).map((m) => [m.queueId, m]));
      const rows = (snap.queues ?? []).map((q) => {
        const t = targets.get(q.queueId);
        const [open, next, surge, forecast] = modeCells(modes.get(q.queueId));
        return [q.queueId, t?.kind ?? '', open!, next!, surge!, q.depth ?? 0, (q.depth ?? 0) > 0 ? clock(q.oldestWaitSeconds ?? 0) : '—',
          pct(q.serviceLevel), forecast!, t ? `${pct(t.serviceLevelShare)} in ${t.serviceLevelSeconds ?? 20}s` : '—',
          secs(q.asaSeconds), pct(q.abandonRate), `${q.agentsAvailable ?? 0}/${q.agentsBusy ?? 0}`, q.offersOpen ?? 0];
      });
      process.stdout.write(`${table(['queue', 'kind', 'open', 'next change', 'surge', 'waiting', 'oldest', 'service level', 'forecast', 'target', 'ASA', 'abandoned', 'free/busy', 'offers'], rows)}\n`);
    });
  registerQueueAdmin(queues);
}
