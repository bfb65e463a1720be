import type { QueueMetrics, SimResult, SimSurgeReport } from '@switchboard/routing-core';

/** The JSON the `sim` command prints: headline figures first, then detail. */
export function simJson(result: SimResult, erlang: (QueueMetrics & { model: 'C' | 'A'; agents: number }) | undefined): object {
  return {
    serviceLevel: result.serviceLevel,
    probWait: result.probWait,
    asaSeconds: result.asaSeconds,
    abandonRate: result.abandonRate,
    occupancy: result.occupancy,
    contacts: result.contacts,
    slSeconds: result.slSeconds,
    ahtSeconds: result.ahtSeconds,
    standardErrors: result.standardErrors,
    controlled: Object.fromEntries(Object.entries(result.controlled).map(([k, e]) => [k, { mean: e.mean, standardError: e.standardError, explained: e.explained }])),
    queues: result.queues,
    ...(erlang !== undefined ? { erlang: {
      model: erlang.model, agents: erlang.agents, serviceLevel: erlang.serviceLevel, probWait: erlang.probWait,
      asaSeconds: erlang.asaSeconds, abandonRate: erlang.abandonRate, occupancy: erlang.occupancy } } : {}),
    arrivals: result.arrivals,
    rejected: result.rejected,
    expired: result.expired,
    offered: result.offered,
    accepted: result.accepted,
    declined: result.declined,
    missed: result.missed,
    warmupSeconds: result.warmupSeconds,
    measuredSeconds: result.measuredSeconds,
    simulatedSeconds: result.simulatedSeconds,
    batches: result.batches,
    seed: result.seed,
    ...(result.surge !== undefined ? { surge: result.surge } : {}),
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '—');
const sec = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} s` : '—');
const se = (x: number, scale: number, unit: string): string => (Number.isFinite(x) ? `±${(scale * x).toFixed(2)}${unit}` : '');

/** A readable table for a terminal (no `--json`). */
export function simTable(result: SimResult, erlang: (QueueMetrics & { model: 'C' | 'A' }) | undefined): string {
  const rows: string[][] = [['queue', 'contacts', `SL`, 'P(wait)', 'ASA', 'abandon', 'AHT']];
  for (const q of [...result.queues, { ...result, queueId: 'all' }]) {
    rows.push([q.queueId, String(q.contacts), `${pct(q.serviceLevel)} ≤${Number.isFinite(q.slSeconds) ? `${q.slSeconds}s` : 'own'}`, pct(q.probWait), sec(q.asaSeconds), pct(q.abandonRate), sec(q.ahtSeconds)]);
  }
  if (erlang !== undefined) {
    rows.push([`Erlang ${erlang.model}`, '', pct(erlang.serviceLevel), pct(erlang.probWait), sec(erlang.asaSeconds), pct(erlang.abandonRate), '']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd());
  const e = result.standardErrors;
  lines.push('',
    `occupancy ${pct(result.occupancy)}; standard errors (batch means, ${result.batches} batches): SL ${se(e.serviceLevel, 100, ' pt')}, ` +
    `P(wait) ${se(e.probWait, 100, ' pt')}, ASA ${se(e.asaSeconds, 1, ' s')}, abandon ${se(e.abandonRate, 100, ' pt')}`,
    `${result.arrivals} arrivals, warm-up ${result.warmupSeconds.toFixed(0)} s, measured ${result.measuredSeconds.toFixed(0)} s, seed ${result.seed}`);
  if (result.surge !== undefined) lines.push('', ...surgeLines(result.surge));
  return lines.join('\n');
}

const at = (x: number | null): string => (x === null ? 'never' : `${x.toFixed(0)} s`);

/** The surge figures: per queue, then every change with its reason. */
function surgeLines(surge: SimSurgeReport): string[] {
  const lines = [`surge: VIP SL ${pct(surge.vipServiceLevel)}, non-VIP SL ${pct(surge.nonVipServiceLevel)}; callbacks offered ${surge.callbacksOffered}, ` +
    `taken ${surge.callbacksRequested}; non-VIP callers past the threshold in surge ${surge.waitedPastThreshold}, offered ${surge.waitedPastThresholdOffered}`];
  for (const q of surge.queues) {
    lines.push(`  ${q.queueId}: SL ${pct(q.serviceLevel)} (target ${pct(q.targetShare)}), surge from ${at(q.surgeStartedAtSeconds)}, ` +
      `measured breach ${at(q.firstBreachAtSeconds)}${q.surgeBeforeBreach ? '' : ' (surge late)'}, ${q.surgeSeconds.toFixed(0)} s in surge`);
  }
  for (const c of surge.changes) lines.push(`  ${c.atSeconds.toFixed(0)} s ${c.queueId} surge ${c.active ? 'on' : 'off'} (${c.source}): ${c.reason}`);
  return lines;
}
