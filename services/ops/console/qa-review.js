/* global document */
// The QA reviewer's list: contacts the queues' sampling rules marked, oldest first; each opens its
// full trace (trace-view.js) beside a score form. The console reads only: the form gives the
// reviewer's score as the `switchboard qa score` command (QueueService.ScoreQaReview with the
// reviewer's token), until the console's act-on-behalf path (console → ops → gRPC) carries it.
import { getJson } from './api.js';
import { h } from './render.js';
import { traceView } from './trace-view.js';

/** The default form: criteria and their maximum points (a reviewer may edit names and maxima). */
const DEFAULT_CRITERIA = [['greeting', 5], ['understanding', 10], ['resolution', 15], ['courtesy', 5], ['compliance', 5]];

const $ = (id) => document.getElementById(id);
const state = { items: [], open: undefined };

/** The form's total, 0..100, as the core computes it (points given over points possible). */
export function formTotal(rows) {
  const max = rows.reduce((a, r) => a + r.maxPoints, 0);
  return max > 0 ? Math.round((rows.reduce((a, r) => a + r.points, 0) / max) * 10_000) / 100 : 0;
}

/** The CLI command that records the score (quoted for a POSIX shell). */
export function scoreCommand(contactId, formId, rows, comment) {
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  return ['switchboard qa score', q(contactId), '--form', q(formId), ...rows.map((r) => `--criterion ${q(`${r.criterion}=${r.points}/${r.maxPoints}`)}`),
    ...(comment ? ['--comment', q(comment)] : [])].join(' ');
}

function item(entry) {
  const reasons = (entry.reasons ?? []).map((r) => String(r).toLowerCase()).join(', ');
  return h('li', { class: `qa-item${state.open === entry.contactId ? ' open' : ''}`, 'data-contact': entry.contactId },
    h('a', { href: `#qa:${entry.contactId}`, class: 'mono contact-link', onclick: (e) => { e.preventDefault(); openReview(entry); } }, entry.contactId),
    h('span', { class: 'muted' }, ` ${entry.agentId} · ${entry.queueId} · ${reasons}${entry.disposition ? ` · ${entry.disposition}` : ''}`));
}

function scoreForm(entry) {
  const rows = DEFAULT_CRITERIA.map(([criterion, max]) => ({ criterion, points: max, maxPoints: max }));
  const total = h('strong', { class: 'qa-total' }, `${formTotal(rows)} / 100`);
  const command = h('pre', { class: 'qa-command mono' });
  const form = h('form', { class: 'qa-form', 'data-contact': entry.contactId, onsubmit: (e) => e.preventDefault() });
  const formId = h('input', { name: 'form', value: 'basic', 'aria-label': 'Form id' });
  const comment = h('textarea', { name: 'comment', maxlength: 2000, rows: 2, placeholder: 'Comment (optional)' });
  const update = () => {
    const read = rows.map((r, i) => ({ ...r, points: Number(form.querySelector(`[name="p${i}"]`).value) }));
    const bad = read.find((r) => !(r.points >= 0 && r.points <= r.maxPoints));
    total.textContent = bad ? `${bad.criterion}: 0..${bad.maxPoints}` : `${formTotal(read)} / 100`;
    command.textContent = bad ? '' : scoreCommand(entry.contactId, formId.value.trim() || 'basic', read, comment.value.trim());
  };
  form.append(
    h('label', {}, 'Form ', formId),
    h('table', { class: 'grid compact' }, h('tbody', {}, rows.map((r, i) => h('tr', {},
      h('td', {}, r.criterion),
      h('td', { class: 'num' }, h('input', { name: `p${i}`, type: 'number', min: 0, max: r.maxPoints, step: 0.5, value: r.points, oninput: update, 'aria-label': r.criterion })),
      h('td', { class: 'muted' }, `/ ${r.maxPoints}`))))),
    comment,
    h('div', {}, 'Total ', total),
    h('div', { class: 'small muted' }, 'Record the score with (QueueService, your supervisor token):'),
    command);
  formId.addEventListener('input', update);
  comment.addEventListener('input', update);
  update();
  return form;
}

async function openReview(entry) {
  state.open = entry.contactId;
  renderList();
  $('qa-review').replaceChildren(h('div', { class: 'empty' }, `Loading ${entry.contactId}…`));
  try {
    const trace = await getJson(`/api/contacts/${encodeURIComponent(entry.contactId)}/trace`);
    $('qa-review').replaceChildren(h('div', { class: 'qa-open' }, traceView(trace, entry.contactId), scoreForm(entry)));
  } catch (error) {
    $('qa-review').replaceChildren(h('div', { class: 'qa-open' }, h('div', { class: 'empty error' }, `Trace unavailable: ${error.message}`), scoreForm(entry)));
  }
}

function renderList() {
  $('qa-list').replaceChildren(...(state.items.length ? state.items.map(item) : [h('li', { class: 'empty' }, 'Nothing to review')]));
  $('qa-summary').textContent = `${state.items.length} to review`;
}

/** Reloads the list of contacts still to score. */
export async function refreshReviews() {
  try {
    state.items = (await getJson('/api/qa/reviews?limit=100')).items ?? [];
    renderList();
  } catch (error) {
    $('qa-list').replaceChildren(h('li', { class: 'empty error' }, `Review list unavailable: ${error.message}`));
  }
}

if ($('qa-list')) {
  await refreshReviews();
  setInterval(refreshReviews, 10_000);
}
