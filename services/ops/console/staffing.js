/* global document */
// The staffing view: agents needed per queue (Erlang A for the queue's service-level goal), now and
// for the next 15-minute intervals, beside the agents signed in who serve it. Refetched every
// minute: the figures move with the interval, not with each event.
import { getJson } from './api.js';
import { h } from './render.js';

const REFRESH_MS = 60_000;
const $ = (id) => document.getElementById(id);

const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One channel's line of a cell's details: "chat 45.0/15m · AHT 360s → 19 slots ÷ 3 = 7". */
function channelLine(c) {
  const aht = typeof c.handleSeconds === 'number' ? ` · AHT ${c.handleSeconds.toFixed(0)}s` : '';
  const patience = typeof c.patienceSeconds === 'number' ? ` · patience ${c.patienceSeconds.toFixed(0)}s` : '';
  const need = c.agentsNeeded === undefined ? `? ${c.reason ?? ''}`
    : (c.concurrency ?? 1) > 1 ? `${c.slotsNeeded ?? 0} slots ÷ ${c.concurrency} = ${c.agentsNeeded}` : `${c.agentsNeeded}`;
  const basis = c.basis === 'history' ? `${c.historyWeeks} wk history × live ${(c.liveRatio ?? 1).toFixed(2)}` : 'live rate';
  return `${c.channel} ${(c.arrivals ?? 0).toFixed(1)}/15m${aht}${patience} → ${need} (${basis})`;
}

/** A cell: needed over signed in, marked short / even / spare. */
function cell(interval, signedIn) {
  const needed = interval.agentsNeeded;
  const cls = needed === undefined ? 'unknown' : needed > signedIn ? 'short' : 'ok';
  const details = (interval.channels ?? []).map(channelLine).join('\n') || 'no work seen in this interval';
  return h('td', { class: `num staff-cell staff-${cls}`, title: details, 'data-needed': needed ?? '' },
    h('strong', {}, needed ?? '?'), h('span', { class: 'muted' }, ` / ${signedIn}`));
}

function queueRow(queue) {
  const signedIn = queue.agentsSignedIn ?? 0;
  return h('tr', { 'data-queue': queue.queueId },
    h('td', {}, h('div', {}, queue.queueId),
      h('div', { class: 'muted small' }, `${Math.round((queue.serviceLevelShare ?? 0) * 100)}% in ${queue.serviceLevelSeconds ?? 0}s · ${signedIn} signed in (${queue.agentsRoutable ?? 0} routable)`)),
    ...(queue.intervals ?? []).map((i) => cell(i, signedIn)));
}

async function refresh() {
  try {
    const body = await getJson('/api/staffing?intervals=8');
    const queues = body.queues ?? [];
    const first = queues[0]?.intervals ?? [];
    $('staffing-head').replaceChildren(h('tr', {}, h('th', {}, 'Queue'),
      ...first.map((i, n) => h('th', { class: 'num' }, n === 0 ? `Now (${hhmm(i.start)})` : hhmm(i.start)))));
    $('staffing').replaceChildren(...(queues.length ? queues.map(queueRow) : [h('tr', {}, h('td', { class: 'empty' }, 'No queues configured'))]));
    $('staffing-note').textContent = body.historySince
      ? `agents needed / signed in · history since ${new Date(body.historySince).toLocaleDateString()}`
      : 'agents needed / signed in · no history yet: the live rate carried forward';
    $('staffing-note').title = body.method ?? '';
  } catch (error) {
    $('staffing').replaceChildren(h('tr', {}, h('td', { class: 'empty error' }, `Staffing unavailable: ${error.message}`)));
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
