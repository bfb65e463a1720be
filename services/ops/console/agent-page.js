/* global document, location, history, URLSearchParams */
// The per-agent page: the range's figures, trend charts per interval, the intervals as a table,
// and the other agents seen in the range. Reads /api/agents/performance; `?id=` names the agent,
// `?preset=24h:1h` (or `from`, `to`, `interval`) the range.
import { getJson } from './api.js';
import { clock, h, pct } from './render.js';
import { num, trendChart } from './perf-charts.js';

const $ = (id) => document.getElementById(id);
const PRESETS = { '4h': 4 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

/** The range the page shows: explicit from/to/interval in the URL, else a preset back from now. */
function rangeOf(params) {
  if (params.get('from') && params.get('to')) return { from: params.get('from'), to: params.get('to'), interval: params.get('interval') ?? '1h' };
  const [span, interval] = (params.get('preset') ?? '24h:1h').split(':');
  const to = Date.now();
  return { from: new Date(to - (PRESETS[span] ?? PRESETS['24h'])).toISOString(), to: new Date(to).toISOString(), interval: interval ?? '1h' };
}

const duration = (s) => (Number.isFinite(s) ? clock(s) : '—');
const score = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The tiles: [key, label, value as shown, title]. */
function tiles(r) {
  return [
    ['handled', 'Contacts handled', String(num(r.contactsHandled)), 'wrap-ups ended in the range'],
    ['aht', 'AHT', duration(num(r.ahtSeconds)), 'mean talk + wrap-up per contact handled'],
    ['acw', 'ACW', duration(num(r.acwSeconds)), 'mean wrap-up (after-contact work) per contact handled'],
    ['occupancy', 'Occupancy', pct(num(r.occupancy)), 'busy / (busy + available idle)'],
    ['adherence', 'Adherence', pct(num(r.adherence)), 'routable / signed-in time'],
    ['declined', 'Declined', String(num(r.declined)), 'offers declined'],
    ['missed', 'Missed', String(num(r.missed)), 'offers that timed out (RONA)'],
    ['fcr', 'FCR', pct(num(r.firstContactResolution)), `${num(r.resolvedFirstContact)} of ${num(r.outcomes)} answers resolved on first contact`],
    ['csat', 'CSAT', score(num(r.csat), 2), `${num(r.surveysAnswered)} surveys; ${pct(num(r.csatSatisfied))} scored 4–5`],
    ['qa', 'QA', score(num(r.qaScore), 1), `${num(r.qaReviews)} reviews`],
    ['transfers', 'Transfers out', String(num(r.transfersOut)), 'contacts moved away while connected'],
    ['signedin', 'Signed in', duration(num(r.signedInSeconds)), `busy ${duration(num(r.busySeconds))} · idle ${duration(num(r.idleSeconds))} · away ${duration(num(r.awaySeconds))}`],
  ];
}

function drawSummary(row) {
  $('summary').replaceChildren(...tiles(row).map(([key, label, value, title]) =>
    h('div', { class: 'perf-tile', 'data-figure': key, title }, h('dt', {}, label), h('dd', {}, value))));
}

function drawCharts(rows) {
  const starts = rows.map((r) => r.intervalStart);
  const series = (read) => rows.map((r) => num(read(r)));
  $('charts').replaceChildren(
    trendChart({ metric: 'contactsHandled', title: 'Contacts handled', kind: 'bar', values: series((r) => r.contactsHandled), starts }),
    trendChart({ metric: 'ahtSeconds', title: 'AHT', values: series((r) => r.ahtSeconds), starts, format: (s) => clock(s) }),
    trendChart({ metric: 'occupancy', title: 'Occupancy', values: series((r) => r.occupancy), starts, max: 1, format: (x) => pct(x) }),
    trendChart({ metric: 'adherence', title: 'Adherence', values: series((r) => r.adherence), starts, max: 1, format: (x) => pct(x) }),
    trendChart({ metric: 'firstContactResolution', title: 'FCR', values: series((r) => r.firstContactResolution), starts, max: 1, format: (x) => pct(x) }),
    trendChart({ metric: 'csat', title: 'CSAT (1–5)', values: series((r) => r.csat), starts, max: 5, format: (x) => x.toFixed(0) }),
    trendChart({ metric: 'qaScore', title: 'QA (0–100)', values: series((r) => r.qaScore), starts, max: 100, format: (x) => x.toFixed(0) }));
}

function drawRows(rows) {
  const time = (iso) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
  $('rows').replaceChildren(...rows.map((r) => h('tr', { 'data-start': r.intervalStart },
    h('td', { class: 'mono' }, time(r.intervalStart)), h('td', { class: 'num' }, num(r.contactsHandled)),
    h('td', { class: 'num mono' }, duration(num(r.ahtSeconds))), h('td', { class: 'num mono' }, duration(num(r.acwSeconds))),
    h('td', { class: 'num' }, pct(num(r.occupancy))), h('td', { class: 'num' }, pct(num(r.adherence))),
    h('td', { class: 'num' }, num(r.declined)), h('td', { class: 'num' }, num(r.missed)), h('td', { class: 'num' }, pct(num(r.firstContactResolution))),
    h('td', { class: 'num' }, score(num(r.csat), 2)), h('td', { class: 'num' }, score(num(r.qaScore), 1)), h('td', { class: 'num' }, num(r.transfersOut)))));
}

async function show(agentId, range) {
  $('agent-chip').textContent = `agent ${agentId || '—'}`;
  $('range-label').textContent = `${range.from.slice(0, 16)} – ${range.to.slice(0, 16)} UTC · ${range.interval}`;
  const q = (extra) => new URLSearchParams({ from: range.from, to: range.to, ...extra }).toString();
  try {
    const [{ rows: everyone = [] }, agentRows] = await Promise.all([
      getJson(`/api/agents/performance?${q({ interval: 'range' })}`),
      agentId ? getJson(`/api/agents/performance?${q({ interval: range.interval, agent: agentId })}`) : Promise.resolve({ rows: [] }),
    ]);
    $('others').replaceChildren(...everyone.map((r) => h('a', { class: 'chip agent-link', href: `/agent?${new URLSearchParams({ id: r.agentId, from: range.from, to: range.to, interval: range.interval })}` }, r.agentId)));
    if (!agentId) return;
    const rows = agentRows.rows ?? [];
    drawSummary(everyone.find((r) => r.agentId === agentId) ?? {});
    drawCharts(rows);
    drawRows(rows);
    $('csv').href = `/api/agents/performance.csv?${q({ interval: range.interval, agent: agentId })}`;
    $('parquet').href = `/api/agents/performance.parquet?${q({ interval: range.interval, agent: agentId })}`;
    document.body.dataset.loaded = agentId;
  } catch (error) {
    $('summary').replaceChildren(h('div', { class: 'empty error' }, error.message));
  }
}

const params = new URLSearchParams(location.search);
$('agent-input').value = params.get('id') ?? '';
if (params.get('preset')) $('preset').value = params.get('preset');
$('perf-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const next = new URLSearchParams({ id: $('agent-input').value.trim(), preset: $('preset').value });
  history.replaceState(null, '', `/agent?${next}`);
  show(next.get('id'), rangeOf(next));
});
await show(params.get('id') ?? '', rangeOf(params));
