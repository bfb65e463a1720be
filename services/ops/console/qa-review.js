/* global document */
// The QA reviewer's list: contacts the queues' sampling rules marked, oldest first; each opens its
// full trace (trace-view.js) beside a score form. "Record score" posts it through ops as the
// logged-in supervisor (POST /api/qa/reviews/:id/score → QueueService.ScoreQaReview, so the
// record names them); the form also shows the same score as a `switchboard qa score` command.
import { postAction } from './actions-api.js';
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
  const result = h('div', { class: 'action-result qa-result', 'aria-live': 'polite' });
  const read = () => rows.map((r, i) => ({ ...r, points: Number(form.querySelector(`[name="p${i}"]`).value) }));
  form.addEventListener('submit', async () => {
    result.dataset.state = 'pending';
    result.textContent = 'Recording…';
    try {
      const answer = await postAction(`/api/qa/reviews/${encodeURIComponent(entry.contactId)}/score`,
        { formId: formId.value.trim(), criteria: read(), comment: comment.value.trim() });
      result.dataset.state = 'ok';
      result.textContent = `Scored ${answer.score}/100 for ${answer.agentId}, by ${answer.by}`;
      setTimeout(refreshReviews, 1_000);
    } catch (error) {
      result.dataset.state = 'error';
      result.textContent = `Not recorded: ${error.message}`;
    }
  });
  const update = () => {
    const rowsNow = read();
    const bad = rowsNow.find((r) => !(r.points >= 0 && r.points <= r.maxPoints));
    total.textContent = bad ? `${bad.criterion}: 0..${bad.maxPoints}` : `${formTotal(rowsNow)} / 100`;
    command.textContent = bad ? '' : scoreCommand(entry.contactId, formId.value.trim() || 'basic', rowsNow, comment.value.trim());
  };
  form.append(
    h('label', {}, 'Form ', formId),
    h('table', { class: 'grid compact' }, h('tbody', {}, rows.map((r, i) => h('tr', {},
      h('td', {}, r.criterion),
      h('td', { class: 'num' }, h('input', { name: `p${i}`, type: 'number', min: 0, max: r.maxPoints, step: 0.5, value: r.points, oninput: update, 'aria-label': r.criterion })),
      h('td', { class: 'muted' }, `/ ${r.maxPoints}`))))),
    comment,
    h('div', {}, 'Total ', total, ' ', h('button', { type: 'submit', class: 'qa-submit' }, 'Record score')),
    result,
    h('div', { class: 'small muted' }, 'The same score from a terminal:'),
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
