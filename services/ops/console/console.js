/* global document, history, location */
// The ops console: polls nothing it can hear — the snapshot is refetched when routing events
// arrive over SSE (debounced), plus a slow safety refresh; oldest waits tick locally.
import { followEvents, getJson, logout, session } from './api.js';
import { agentRow, agentState, h, queueTile } from './render.js';
import { kindLabel, kindOf, summary, traceView } from './trace-view.js';

const $ = (id) => document.getElementById(id);
const state = { snapshot: undefined, fetchedAt: 0, traced: undefined, refreshTimer: undefined, events: [], expanded: new Set() };
// Tiles are redrawn every second: which ones have their hours and changes unfolded survives that.
const tileView = { expanded: state.expanded, onToggle: (id, open) => { if (open) state.expanded.add(id); else state.expanded.delete(id); } };

async function refresh() {
  try {
    state.snapshot = await getJson('/api/snapshot');
    state.fetchedAt = Date.now();
    draw();
  } catch (error) {
    $('queues').replaceChildren(h('div', { class: 'empty error' }, `Snapshot unavailable: ${error.message}`));
  }
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, 200);
}

function draw() {
  const snap = state.snapshot;
  if (!snap) return;
  const elapsed = (Date.now() - state.fetchedAt) / 1000;
  const targets = new Map((snap.targets ?? []).map((t) => [t.queueId, t]));
  const modes = new Map((snap.modes ?? []).map((m) => [m.queueId, m]));
  const queues = (snap.queues ?? []).slice().sort((a, b) => a.queueId.localeCompare(b.queueId));
  $('queues').replaceChildren(...(queues.length ? queues.map((q) => queueTile(q, targets.get(q.queueId), elapsed, modes.get(q.queueId), tileView)) : [h('div', { class: 'empty' }, 'No queues configured')]));
  const waiting = queues.reduce((n, q) => n + (q.depth ?? 0), 0);
  $('queue-summary').textContent = `${queues.length} queues · ${waiting} waiting · ${(snap.offers ?? []).length} open offers`;
  const agents = snap.agents ?? [];
  const now = Date.now();
  $('agents').replaceChildren(...(agents.length ? agents.map((a) => agentRow(a, now, trace)) : [h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No agents signed in'))]));
  const counts = {};
  for (const a of agents) { const [cls, ] = agentState(a); counts[cls] = (counts[cls] ?? 0) + 1; }
  $('agent-summary').replaceChildren(...Object.entries(counts).map(([cls, n]) => h('span', { class: `pill pill-${cls}` }, `${n} ${cls}`)));
  $('as-of').textContent = `as of ${new Date(snap.asOf ?? Date.now()).toLocaleTimeString()}`;
}

function tick() {
  // Only the clocks move between snapshots: oldest waits and time-in-state.
  if (state.snapshot) draw();
}

function onEvent(event) {
  scheduleRefresh();
  state.events.push(Date.now());
  const kind = kindOf(event);
  const item = h('li', { class: `act act-${kind}` },
    h('span', { class: 'mono muted' }, new Date(event.occurredAt ?? Date.now()).toLocaleTimeString()),
    h('span', { class: 'act-kind' }, kindLabel(kind)),
    event.contactId ? h('a', { href: `#${event.contactId}`, class: 'mono contact-link', onclick: (e) => { e.preventDefault(); trace(event.contactId); } }, event.contactId.slice(-8)) : h('span', { class: 'mono' }, event.agentId ?? ''),
    h('span', { class: 'muted' }, kind === 'presenceChanged' ? (event.presenceChanged?.presence?.presence ?? '').replace('PRESENCE_', '').toLowerCase().replace('_', '-') : summary(event)));
  const list = $('activity');
  list.prepend(item);
  while (list.children.length > 60) list.lastElementChild.remove();
  if (state.traced && event.contactId === state.traced) trace(state.traced, false);
}

async function trace(contactId, scroll = true) {
  const id = contactId.trim();
  if (!id) return;
  state.traced = id;
  $('search-input').value = id;
  try {
    const body = await getJson(`/api/contacts/${encodeURIComponent(id)}/trace`);
    $('trace').replaceChildren(traceView(body, id));
    if (scroll) $('trace').scrollTop = 0;
    history.replaceState(null, '', `#${id}`);
  } catch (error) {
    $('trace').replaceChildren(h('div', { class: 'empty error' }, error.status === 404 ? `No contact "${id}" in this domain.` : error.message));
  }
}

async function loadRecent() {
  try {
    const { contactIds = [], domain } = await getJson('/api/contacts?limit=8');
    $('domain').textContent = `domain ${domain}`;
    $('recent').replaceChildren(...contactIds.map((id) => h('a', { href: `#${id}`, class: 'mono contact-link', onclick: (e) => { e.preventDefault(); trace(id); } }, id.slice(-8))));
  } catch { /* the list is a convenience; search still works */ }
}

function setLive(s) {
  $('live').dataset.state = s;
  $('live').querySelector('.live-label').textContent = s === 'live' ? 'Live' : 'Reconnecting';
  if (s === 'live') refresh();
}

function rate() {
  const cutoff = Date.now() - 60_000;
  state.events = state.events.filter((t) => t > cutoff);
  $('event-rate').textContent = `${state.events.length} events / min`;
}

$('search').addEventListener('submit', (e) => { e.preventDefault(); trace($('search-input').value); });
session().then((who) => {
  if (!who) return;
  $('who').textContent = `${who.subject} · ${who.role}`;
  $('logout').hidden = false;
  $('logout').addEventListener('click', () => logout(who.csrfToken));
}).catch(() => undefined);
followEvents(onEvent, setLive);
await refresh();
await loadRecent();
if (location.hash.length > 1) trace(decodeURIComponent(location.hash.slice(1)));
setInterval(tick, 1_000);
setInterval(refresh, 10_000);
setInterval(() => { loadRecent(); rate(); }, 5_000);
