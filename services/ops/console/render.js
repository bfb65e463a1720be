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

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const REASONS = { SCHEDULE: 'by schedule', HOLIDAY: 'holiday', EMERGENCY: 'emergency closure', CONFIG: 'hours edited' };

/** A time as the console shows it (the viewer's local time). */
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** Open / closed, why, and the next change in the queue's own time zone. */
function openingLine(mode) {
  const open = mode.open === true;
  const why = mode.reason === 'HOLIDAY' && mode.holiday ? `holiday: ${mode.holiday}` : REASONS[mode.reason] ?? mode.reason ?? '';
  const next = mode.nextChangeLocal ? `${open ? 'closes' : 'opens'} ${mode.nextChangeLocal} ${mode.hours?.timeZone ?? ''}`.trim()
    : mode.nextChangeAt ? `${open ? 'closes' : 'opens'} ${when(mode.nextChangeAt)}` : open ? 'no closing ahead' : 'until reopened';
  return h('div', { class: 'opening' },
    h('span', { class: `pill ${open ? 'pill-open' : 'pill-closed'}` }, open ? 'Open' : 'Closed'),
    h('span', { class: 'muted small' }, why),
    mode.emergencyClosedReason ? h('span', { class: 'small why-text', title: 'emergency closure' }, `“${mode.emergencyClosedReason}”`) : undefined,
    h('span', { class: 'muted small next-change' }, `· ${next}`));
}

/** Surge on/off, who switched it (the forecast or a supervisor), pinned, since when. */
function surgeLine(mode) {
  const active = mode.surgeActive === true;
  const source = mode.surgeSource ? mode.surgeSource.toLowerCase() : '';
  const detail = [source && `by ${source}`, mode.surgePinned ? 'pinned' : mode.surgeAuto ? 'auto' : 'manual only', mode.surgeSince ? `since ${when(mode.surgeSince)}` : ''].filter(Boolean).join(' · ');
  return h('div', { class: 'surge-line' },
    h('span', { class: `pill ${active ? 'pill-surge' : 'pill-calm'}` }, active ? 'Surge on' : 'Surge off'),
    h('span', { class: 'muted small' }, detail));
}

function windows(list) {
  return (list ?? []).length === 0 ? 'closed' : list.map((w) => `${w.open}–${w.close}`).join(', ');
}

/** One change of the queue's history: when, what, the reason, and who when a supervisor did it. */
function changeItem(event) {
  const hours = event.hoursChanged;
  const surge = event.surgeChanged;
  const what = hours ? `${hours.open ? 'opened' : 'closed'} (${(hours.reason ?? '').toLowerCase()}${hours.holiday ? `: ${hours.holiday}` : ''})`
    : `surge ${surge?.active ? 'on' : 'off'} (${(surge?.source ?? '').toLowerCase()}${surge?.predictedServiceLevel !== undefined ? `, forecast ${pct(surge.predictedServiceLevel)}` : ''})`;
  return h('li', { class: 'change', 'data-change': hours ? 'hours' : 'surge' },
    h('span', { class: 'mono muted' }, when(event.occurredAt)), ' ', h('strong', {}, what),
    surge?.reason ? h('span', { class: 'muted' }, ` — ${surge.reason}`) : undefined,
    event.by ? h('span', { class: 'muted' }, ` · by ${event.by}`) : undefined);
}

/** Weekly hours, holidays and the last changes, folded away under the tile (kept open across redraws by `view`). */
function modeDetails(mode, view) {
  const hours = mode.hours;
  const changes = mode.changes ?? [];
  return h('details', { class: 'mode-details', open: view?.expanded?.has(mode.queueId) ?? false,
    ontoggle: (e) => view?.onToggle?.(mode.queueId, e.target.open) },
    h('summary', { class: 'small muted' }, `Hours & changes (${changes.length})`),
    hours ? h('div', { class: 'small' },
      h('div', { class: 'muted' }, `Time zone ${hours.timeZone}`),
      h('ul', { class: 'hours' }, ...[1, 2, 3, 4, 5, 6, 7].map((day) => h('li', { 'data-weekday': day },
        h('span', { class: 'day' }, WEEKDAYS[day]), ' ', windows((hours.weekly ?? []).find((w) => w.isoWeekday === day)?.windows)))),
      (hours.holidays ?? []).length ? h('ul', { class: 'holidays' }, ...hours.holidays.map((d) => h('li', { 'data-holiday': d.date },
        h('span', { class: 'mono' }, d.date), ' ', d.name ?? '', ' — ', windows(d.windows)))) : undefined)
      : h('div', { class: 'small muted' }, 'No hours set: always open'),
    changes.length ? h('ol', { class: 'changes' }, ...changes.map(changeItem)) : h('div', { class: 'small muted' }, 'No hours or surge changes recorded'),
    // The console reads; hours and surge change through QueueService (the CLI calls it).
    h('div', { class: 'small muted' }, 'Change with ', h('code', {}, `switchboard queues hours ${mode.queueId}`), ' or ', h('code', {}, `switchboard queues surge ${mode.queueId}`)));
}

/**
 * One queue tile; `elapsed` seconds since the snapshot make the oldest wait tick between
 * refreshes; `mode` its opening and surge state; `view` which tiles have their details open.
 */
export function queueTile(q, target, elapsed, mode, view) {
  const share = target?.serviceLevelShare ?? 0.8;
  const within = target?.serviceLevelSeconds ?? 20;
  const depth = q.depth ?? 0;
  const oldest = depth > 0 ? (q.oldestWaitSeconds ?? 0) + elapsed : 0;
  const state = health(q.serviceLevel, share);
  const breach = depth > 0 && oldest > within;
  const fill = typeof q.serviceLevel === 'number' && Number.isFinite(q.serviceLevel) ? q.serviceLevel : 0;
  const open = mode ? mode.open === true : true;
  const surge = mode?.surgeActive === true;
  return h('article', { class: `tile sl-${state}${breach ? ' breach' : ''}${open ? '' : ' closed'}${surge ? ' surge' : ''}`, 'data-queue': q.queueId, 'data-depth': depth,
    'data-open': String(open), 'data-surge': String(surge) },
    h('header', {}, h('span', { class: 'tile-name' }, q.queueId), h('span', { class: `kind kind-${(target?.kind ?? 'PRIORITY').toLowerCase()}` }, target?.kind ?? 'PRIORITY')),
    mode ? openingLine(mode) : undefined,
    h('div', { class: 'sl' },
      h('span', { class: 'sl-value', title: 'measured, last 15 minutes' }, pct(q.serviceLevel)),
      h('span', { class: 'sl-forecast', title: 'forecast now (Erlang A from the last 15 minutes and the agents serving now)' },
        `forecast ${pct(mode?.forecastServiceLevel)}`),
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
      h('div', {}, h('dt', {}, 'FCR'), h('dd', { class: 'fcr' }, pct(q.firstContactResolution))),
      h('div', { title: 'mean survey score (1–5) · share scoring 4–5' }, h('dt', {}, 'CSAT'),
        h('dd', { class: 'csat' }, Number.isFinite(q.csatScore) ? `${q.csatScore.toFixed(1)} · ${pct(q.csatSatisfied)}` : '—')),
      h('div', { title: 'surveys answered / sent' }, h('dt', {}, 'Surveys'), h('dd', { class: 'survey-rate' }, `${q.surveysAnswered ?? 0}/${q.surveysOffered ?? 0} · ${pct(q.surveyResponseRate)}`))),
    mode ? surgeLine(mode) : undefined,
    mode?.decidedServiceLevel !== undefined ? h('div', { class: 'small muted decided' }, `surge last switched at forecast ${pct(mode.decidedServiceLevel)} (${when(mode.decidedAt)})`) : undefined,
    mode ? modeDetails(mode, view) : undefined);
}

/** One agent row. */
export function agentRow(agent, nowMs, onContact) {
  const [cls, label] = agentState(agent);
  const since = Date.parse(agent.presence?.since ?? agent.idleSince ?? '');
  const contacts = agent.activeContactIds ?? [];
  return h('tr', { 'data-agent': agent.id, 'data-state': cls },
    h('td', { class: 'mono' }, h('a', { href: `/agent?id=${encodeURIComponent(agent.id)}`, class: 'agent-link', title: 'performance and trends' }, agent.id)),
    h('td', {}, agent.team || '—'),
    h('td', {}, h('span', { class: `pill pill-${cls}` }, label)),
    h('td', { class: 'num' }, contacts.length === 0 ? '0' : contacts.map((id) => h('a', { href: `#${id}`, class: 'mono contact-link', onclick: (e) => { e.preventDefault(); onContact(id); } }, id.slice(-6)))),
    h('td', { class: 'muted' }, (agent.queues ?? []).map((q) => q.queueId).join(', ')),
    h('td', { class: 'num mono' }, Number.isFinite(since) ? clock((nowMs - since) / 1000) : '—'),
    h('td', { class: 'num' }, agent.consecutiveMisses ?? 0));
}
