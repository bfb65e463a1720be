import type { Command } from 'commander';
import { pct, secs, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { progressBar } from '../ops/progress.js';

interface KpiOptions extends OpsOptions {
  queue?: string[];
  since?: string;
  until?: string;
  interval?: string;
}

interface KpiRow {
  queueId: string; intervalStart?: string; intervalEnd?: string; serviceLevel?: number | null; asaSeconds?: number | null;
  ahtSeconds?: number | null; abandonRate?: number | null; occupancy?: number | null; offered?: number; accepted?: number;
  declined?: number; missed?: number; abandoned?: number; completed?: number;
}

/** Buckets asked for per request, so a long range shows progress and no request runs for long. */
const BUCKETS_PER_REQUEST = 12;

/** A time option: ISO 8601, or a duration back from now (`15m`, `2h`, `1d`); `fallback` when absent. */
export const parseTime = (text: string | undefined, fallback: number): number => {
  if (!text) return fallback;
  const ago = /^(\d+)(s|m|h|d)$/.exec(text);
  if (ago) return Date.now() - Number(ago[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[ago[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a time: "${text}" (ISO 8601, or a duration back from now like 15m, 2h, 1d)`);
  return ms;
};

/** `switchboard kpis`: service level, ASA, AHT, abandonment, occupancy per queue and interval. */
export function register(program: Command): void {
  program.command('kpis')
    .description('KPIs per queue and interval: service level, ASA, AHT, abandonment, occupancy, offers')
    .option('--queue <id...>', 'only these queues')
    .option('--since <time>', 'start: ISO time or duration back from now (default 1h)', '1h')
    .option('--until <time>', 'end: ISO time or duration back from now (default now)')
    .option('--interval <seconds>', 'bucket width in seconds (default: one bucket)', '0')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the KPI rows as JSON')
    .action(async (options: KpiOptions) => {
      const to = parseTime(options.until, Date.now());
      const from = parseTime(options.since, to - 3_600_000);
      const interval = Number(options.interval ?? 0);
      if (!Number.isInteger(interval) || interval < 0) throw new Error('--interval must be a whole number of seconds ≥ 0');
      if (!(from < to)) throw new Error('--since must be before --until');
      const step = interval > 0 ? interval * 1000 * BUCKETS_PER_REQUEST : to - from;
      const chunks = Math.ceil((to - from) / step);
      const bar = progressBar('kpis', chunks, options.json === true);
      const rows: KpiRow[] = [];
      try {
        for (let i = 0, start = from; start < to; i++, start += step) {
          const q = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(Math.min(to, start + step)).toISOString(), interval: String(interval) });
          for (const id of options.queue ?? []) q.append('queue', id);
          rows.push(...(await getOps<{ kpis: KpiRow[] }>(options, `/api/kpis?${q}`)).kpis);
          bar.update(i + 1);
        }
      } finally {
        bar.stop();
      }
      if (options.json) return printJson({ kpis: rows });
      const time = (iso?: string) => (iso ? new Date(iso).toISOString().slice(11, 16) : '');
      const body = rows.map((r) => [r.queueId, `${time(r.intervalStart)}–${time(r.intervalEnd)}`, pct(r.serviceLevel), secs(r.asaSeconds), secs(r.ahtSeconds),
        pct(r.abandonRate), pct(r.occupancy), r.offered ?? 0, r.accepted ?? 0, r.declined ?? 0, r.missed ?? 0, r.abandoned ?? 0, r.completed ?? 0]);
      process.stdout.write(`${table(['queue', 'interval (UTC)', 'SL', 'ASA', 'AHT', 'abandon', 'occupancy', 'offered', 'accepted', 'declined', 'missed', 'abandoned', 'completed'], body)}\n`);
      if (rows.length === 0) process.stdout.write('no routing activity in this range\n');
    });
}
