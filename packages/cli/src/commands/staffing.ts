import type { Command } from 'commander';
import { pct, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';

interface StaffingOptions extends OpsOptions {
  queue?: string[];
  intervals?: string;
}

/** The parts of `GET /api/staffing` the table reads (proto3 JSON: 0, '' and unset are left out). */
interface ChannelJson {
  channel: string; arrivals?: number; handleSeconds?: number | string | null; patienceSeconds?: number; concurrency?: number;
  slotsNeeded?: number; agentsNeeded?: number; serviceLevel?: number; model?: string; reason?: string; basis?: string; historyWeeks?: number;
  agentsSignedIn?: number;
}
interface StaffingJson {
  queues?: { queueId: string; serviceLevelShare?: number; serviceLevelSeconds?: number; agentsSignedIn?: number; agentsRoutable?: number;
    intervals?: { start?: string; end?: string; agentsNeeded?: number; channels?: ChannelJson[] }[] }[];
  historySince?: string;
  method?: string;
}

const hhmm = (iso?: string) => (iso ? new Date(iso).toISOString().slice(11, 16) : '');

/** One channel's cell: "phone 30.0/15m · AHT 200s · patience 140s → 8" (chat: "… → 19 slots ÷ 3 = 7"). */
function channelCell(c: ChannelJson): string {
  const aht = typeof c.handleSeconds === 'number' ? ` · AHT ${c.handleSeconds.toFixed(0)}s` : '';
  const patience = c.patienceSeconds === undefined ? '' : ` · patience ${c.patienceSeconds.toFixed(0)}s`;
  const need = c.agentsNeeded === undefined
    ? `? (${c.reason ?? 'no figure'})`
    : (c.concurrency ?? 1) > 1 ? `${c.slotsNeeded ?? 0} slots ÷ ${c.concurrency} = ${c.agentsNeeded}` : String(c.agentsNeeded);
  return `${c.channel} ${(c.arrivals ?? 0).toFixed(1)}/15m${aht}${patience} → ${need}`;
}

/** `switchboard staffing`: agents needed per queue now and for the next 15-minute intervals, beside those signed in. */
export function register(program: Command): void {
  program.command('staffing')
    .description('agents needed per queue for its service-level goal (Erlang A), now and for the next 15-minute intervals, beside the agents signed in')
    .option('--queue <id...>', 'only these queues')
    .option('--intervals <n>', 'intervals after the current one (1–96)', '8')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the staffing JSON')
    .action(async (options: StaffingOptions) => {
      const intervals = Number(options.intervals ?? 8);
      if (!Number.isInteger(intervals) || intervals < 1 || intervals > 96) throw new Error('--intervals must be a whole number from 1 to 96');
      const q = new URLSearchParams({ intervals: String(intervals) });
      for (const id of options.queue ?? []) q.append('queue', id);
      const body = await getOps<StaffingJson>(options, `/api/staffing?${q}`);
      if (options.json) return printJson(body);
      const rows = (body.queues ?? []).flatMap((queue) => (queue.intervals ?? []).map((i, n) => {
        const needed = i.agentsNeeded;
        const signedIn = queue.agentsSignedIn ?? 0;
        const gap = needed === undefined ? '—' : needed - signedIn > 0 ? `short ${needed - signedIn}` : needed < signedIn ? `spare ${signedIn - needed}` : 'even';
        return [n === 0 ? queue.queueId : '', `${hhmm(i.start)}–${hhmm(i.end)}${n === 0 ? ' (now)' : ''}`,
          n === 0 ? `${pct(queue.serviceLevelShare)} in ${queue.serviceLevelSeconds ?? 0}s` : '',
          needed ?? '?', `${signedIn} (${queue.agentsRoutable ?? 0} routable)`, gap,
          (i.channels ?? []).map(channelCell).join('\n') || 'no work seen'];
      }));
      process.stdout.write(`${table(['queue', 'interval (UTC)', 'target', 'agents needed', 'signed in', 'gap', 'per channel'], rows)}\n`);
      process.stdout.write(body.historySince ? `history since ${body.historySince}\n` : 'no history yet: the live rate is carried forward\n');
    });
}
