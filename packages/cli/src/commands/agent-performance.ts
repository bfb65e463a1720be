import { clock, pct, table } from '../ops/format.js';
import { getOps, getOpsText, printJson, type OpsOptions } from '../ops/ops-client.js';
import { parseTime } from './kpis.js';

/** `switchboard agents --interval …`: options of the performance view. */
export interface AgentPerformanceOptions extends OpsOptions {
  interval?: string;
  from?: string;
  to?: string;
  agent?: string[];
  csv?: boolean;
}

interface Row {
  agentId: string; intervalStart?: string; intervalEnd?: string; contactsHandled?: number; ahtSeconds?: number | string; acwSeconds?: number | string;
  occupancy?: number | string; adherence?: number | string; offered?: number; declined?: number; missed?: number; transfersOut?: number;
  firstContactResolution?: number | string; csat?: number | string; qaScore?: number | string;
}

/** The intervals the CLI takes, as ops names them. */
const INTERVALS = ['15m', '1h', '1d', 'range'] as const;

/** A figure as JSON carries it: a number, "NaN" (no data), or absent (proto3 JSON drops zeros). */
const num = (v: number | string | undefined): number => (v === undefined ? 0 : Number(v));
const duration = (v: number | string | undefined) => (Number.isFinite(num(v)) ? clock(num(v)) : '—');
const score = (v: number | string | undefined, digits: number) => (Number.isFinite(num(v)) ? num(v).toFixed(digits) : '—');

/**
 * Per agent and interval from ops (`/api/agents/performance`, or its `.csv` with `--csv`):
 * contacts handled, AHT, ACW, occupancy, adherence, declines, misses, FCR, CSAT, QA, transfers out.
 * @throws Error for an interval ops does not keep, or a bad time.
 */
export async function showAgentPerformance(options: AgentPerformanceOptions): Promise<void> {
  const interval = options.interval ?? '1h';
  if (!(INTERVALS as readonly string[]).includes(interval)) throw new Error(`--interval must be one of ${INTERVALS.join(', ')}`);
  const to = parseTime(options.to, Date.now());
  const from = parseTime(options.from, to - 86_400_000);
  if (!(from < to)) throw new Error('--from must be before --to');
  const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval });
  for (const id of options.agent ?? []) q.append('agent', id);
  if (options.csv) {
    process.stdout.write(await getOpsText(options, `/api/agents/performance.csv?${q}`));
    return;
  }
  const { rows = [] } = await getOps<{ rows?: Row[] }>(options, `/api/agents/performance?${q}`);
  if (options.json) return printJson({ rows });
  const when = (iso?: string) => (iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') : '');
  const body = rows.map((r) => [r.agentId, when(r.intervalStart), num(r.contactsHandled), duration(r.ahtSeconds), duration(r.acwSeconds), pct(num(r.occupancy)),
    pct(num(r.adherence)), num(r.offered), num(r.declined), num(r.missed), pct(num(r.firstContactResolution)), score(r.csat, 2), score(r.qaScore, 1), num(r.transfersOut)]);
  process.stdout.write(`${table(['agent', 'from (UTC)', 'handled', 'AHT', 'ACW', 'occupancy', 'adherence', 'offered', 'declined', 'missed', 'FCR', 'CSAT', 'QA', 'transfers'], body)}\n`);
  if (rows.length === 0) process.stdout.write('no agent activity in this range\n');
}
