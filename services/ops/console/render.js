/* global document, Node */
// Draws the snapshot: queue tiles (service level vs target, depth, oldest wait) and the agent table.

const PRESENCE = {
  PRESENCE_AVAILABLE: ['available', 'Available'],
  PRESENCE_AWAY: ['away', 'Away'],
  PRESENCE_WRAP_UP: ['wrapup', 'Wrap-up'],
  PRESENCE_OFFLINE: ['offline', 'Offline'],
};

/** Text-safe element builder: children are nodes or strings (never parsed as HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** `mm:ss` (or `h:mm:ss`) for a duration in seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds ?? 0));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%` : '—');
const secs = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(1)} s` : '—');

/** An agent's state as the console names it: busy when holding work, else its presence. */
export function agentState(agent) {
  const [cls, label] = PRESENCE[agent.presence?.presence] ?? ['offline', 'Unknown'];
  if ((agent.activeContactIds ?? []).length > 0 && cls === 'available') return ['busy', 'Busy'];
  return [cls, agent.presence?.reason ? `${label} · ${agent.presence.reason}` : label];
}

function health(sl, target) {
  if (typeof sl !== 'number' || !Number.isFinite(sl)) return 'none';
  if (sl >= target) return 'good';
  return sl >= target - 0.1 ? 'warn' : 'bad';
}

/** One queue tile; `elapsed` seconds since the snapshot make the oldest wait tick between refreshes. */
export function queueTile(q, target, elapsed) {
  const share = target?.serviceLevelShare ?? 0.8;
  const within = target?.serviceLevelSeconds ?? 20;
  const depth = q.depth ?? 0;
  const oldest = depth > 0 ? (q.oldestWaitSeconds ?? 0) + elapsed : 0;
  const state = health(q.serviceLevel, share);
  const breach = depth > 0 && oldest > within;
  const fill = typeof q.serviceLevel === 'number' && Number.isFinite(q.serviceLevel) ? q.serviceLevel : 0;
  return h('article', { class: `tile sl-${state}${breach ? ' breach' : ''}`, 'data-queue': q.queueId, 'data-depth': depth },
    h('header', {}, h('span', { class: 'tile-name' }, q.queueId), h('span', { class: `kind kind-${(target?.kind ?? 'PRIORITY').toLowerCase()}` }, target?.kind ?? 'PRIORITY')),
    h('div', { class: 'sl' },
      h('span', { class: 'sl-value' }, pct(q.serviceLevel)),
      h('span', { class: 'sl-target' }, `target ${pct(share)} in ${within}s`)),
    h('div', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': fill, 'aria-label': 'service level' },
      h('span', { class: 'bar-fill', style: `width:${Math.round(fill * 100)}%` }),
      h('span', { class: 'bar-target', style: `left:${Math.round(share * 100)}%` })),
    h('dl', { class: 'stats' },
      h('div', {}, h('dt', {}, 'Waiting'), h('dd', { class: 'depth' }, depth)),
      h('div', {}, h('dt', {}, 'Oldest wait'), h('dd', { class: `oldest${breach ? ' alert' : ''}`, 'data-oldest': oldest.toFixed(0) }, clock(oldest))),
      h('div', {}, h('dt', {}, 'Agents'), h('dd', {}, `${q.agentsAvailable ?? 0} free · ${q.agentsBusy ?? 0} busy`)),
      h('div', {}, h('dt', {}, 'Offers'), h('dd', {}, q.offersOpen ?? 0)),
      h('div', {}, h('dt', {}, 'ASA'), h('dd', {}, secs(q.asaSeconds))),
      h('div', {}, h('dt', {}, 'Abandoned'), h('dd', {}, pct(q.abandonRate))),
      h('div', {}, h('dt', {}, 'FCR'), h('dd', { class: 'fcr' }, pct(q.firstContactResolution)))));
}

/** One agent row. */
export function agentRow(agent, nowMs, onContact) {
  const [cls, label] = agentState(agent);
  const since = Date.parse(agent.presence?.since ?? agent.idleSince ?? '');
  const contacts = agent.activeContactIds ?? [];
  return h('tr', { 'data-agent': agent.id, 'data-state': cls },
    h('td', { class: 'mono' }, agent.id),
    h('td', {}, agent.team || '—'),
    h('td', {}, h('span', { class: `pill pill-${cls}` }, label)),
    h('td', { class: 'num' }, contacts.length === 0 ? '0' : contacts.map((id) => h('a', { href: `#${id}`, class: 'mono contact-link', onclick: (e) => { e.preventDefault(); onContact(id); } }, id.slice(-6)))),
    h('td', { class: 'muted' }, (agent.queues ?? []).map((q) => q.queueId).join(', ')),
    h('td', { class: 'num mono' }, Number.isFinite(since) ? clock((nowMs - since) / 1000) : '—'),
    h('td', { class: 'num' }, agent.consecutiveMisses ?? 0));
}
