/* global document */
// Supervisor actions: end, re-queue or re-prioritise a contact; set an agent's presence, sign them
// out, change their skills, languages, capacities and queues. Shown to supervisors only (ops
// refuses anyone else anyway); every result or refusal is written out with its reason.
import { postAction } from './actions-api.js';
import { session } from './api.js';
import { h } from './render.js';

const $ = (id) => document.getElementById(id);
const value = (id) => $(id).value.trim();

/** `a=1, b=2` (or `a:1`) → { a: 1, b: 2 }; throws naming the item that is not name=number. */
export function numberMap(text, label, sep = '=') {
  const out = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, n] = item.split(sep).map((s) => s.trim());
    if (!name || n === undefined || !/^-?\d+$/.test(n)) throw new Error(`${label}: "${item}" is not name${sep}number`);
    out[name] = Number(n);
  }
  return out;
}

function show(state, text) {
  const result = $('action-result');
  result.dataset.state = state;
  result.textContent = text;
}

/** Runs one action from a button: validates, posts, reports. */
async function act(label, build) {
  let path, body;
  try {
    [path, body] = build();
  } catch (error) {
    show('error', error.message);
    return;
  }
  show('pending', `${label}…`);
  try {
    const answer = await postAction(path, body);
    show('ok', `${label}: done, recorded as by ${answer.by}`);
  } catch (error) {
    show('error', `${label} refused (${error.status ?? 'network'}): ${error.message}`);
  }
}

const need = (id, what) => {
  const v = value(id);
  if (!v) throw new Error(`${what} first`);
  return encodeURIComponent(v);
};

function profileBody() {
  const body = { reason: value('act-agent-reason') };
  if (value('act-skills')) body.skills = numberMap(value('act-skills'), 'skills');
  if (value('act-languages')) body.languages = value('act-languages').split(',').map((s) => s.trim()).filter(Boolean);
  if (value('act-capacities')) body.capacities = numberMap(value('act-capacities'), 'capacities');
  if (value('act-queues')) body.queues = Object.entries(numberMap(value('act-queues'), 'queues', ':')).map(([queueId, priority]) => ({ queueId, priority }));
  if (Object.keys(body).length === 1) throw new Error('fill in skills, languages, capacities or queues to change');
  return body;
}

function button(action, label, onclick) {
  return h('button', { type: 'button', 'data-action': action, onclick }, label);
}

function contactForm() {
  const contact = () => need('act-contact', 'Enter a contact id');
  const reason = () => ({ reason: value('act-contact-reason') });
  return h('fieldset', { id: 'contact-actions' }, h('legend', {}, 'Contact'),
    h('input', { id: 'act-contact', placeholder: 'contact id', 'aria-label': 'Contact id', spellcheck: 'false',
      onfocus: (e) => { if (!e.target.value) e.target.value = $('search-input')?.value ?? ''; } }),
    h('input', { id: 'act-contact-reason', placeholder: 'reason (for the record)', 'aria-label': 'Reason' }),
    button('end', 'End', () => act('End contact', () => [`/api/contacts/${contact()}/end`, reason()])),
    button('requeue', 'Re-queue', () => act('Re-queue contact', () => [`/api/contacts/${contact()}/requeue`, reason()])),
    h('input', { id: 'act-priority', type: 'number', min: '-1000', max: '1000', placeholder: 'priority', 'aria-label': 'New priority' }),
    button('priority', 'Re-prioritise', () => act('Re-prioritise contact', () => {
      if (!/^-?\d+$/.test(value('act-priority'))) throw new Error('priority: a whole number, -1000..1000');
      return [`/api/contacts/${contact()}/priority`, { ...reason(), priority: Number(value('act-priority')) }];
    })));
}

function agentForm() {
  const agent = () => need('act-agent', 'Enter an agent id');
  return h('fieldset', { id: 'agent-actions' }, h('legend', {}, 'Agent'),
    h('input', { id: 'act-agent', placeholder: 'agent id', 'aria-label': 'Agent id', spellcheck: 'false' }),
    h('input', { id: 'act-agent-reason', placeholder: 'reason (for the record)', 'aria-label': 'Reason' }),
    h('select', { id: 'act-presence', 'aria-label': 'Presence' }, h('option', { value: 'AVAILABLE' }, 'Available'), h('option', { value: 'AWAY' }, 'Away')),
    button('presence', 'Set presence', () => act('Set presence', () => [`/api/agents/${agent()}/presence`, { presence: value('act-presence'), reason: value('act-agent-reason') }])),
    button('sign-out', 'Sign out', () => act('Sign agent out', () => [`/api/agents/${agent()}/sign-out`, { reason: value('act-agent-reason') }])),
    h('div', { class: 'profile-fields' },
      h('input', { id: 'act-skills', placeholder: 'skills: billing=3, support=2', 'aria-label': 'Skills' }),
      h('input', { id: 'act-languages', placeholder: 'languages: en, zh', 'aria-label': 'Languages' }),
      h('input', { id: 'act-capacities', placeholder: 'capacities: phone=1, chat=3', 'aria-label': 'Capacities' }),
      h('input', { id: 'act-queues', placeholder: 'queues: general:0, vip:5', 'aria-label': 'Queues' }),
      button('profile', 'Change profile', () => act('Change profile', () => [`/api/agents/${agent()}/profile`, profileBody()]))));
}

const who = await session().catch(() => undefined);
const panel = $('supervise');
if (panel && who) {
  panel.hidden = false;
  if (who.role === 'supervisor') {
    $('supervise-body').replaceChildren(contactForm(), agentForm(), h('div', { id: 'action-result', class: 'action-result', role: 'status', 'data-state': 'idle' }));
    // A click on an agent's row in the table picks that agent here (the table is redrawn every second: delegate).
    $('agents')?.addEventListener('click', (e) => {
      const row = e.target.closest?.('tr[data-agent]');
      if (row && !e.target.closest('a')) $('act-agent').value = row.dataset.agent;
    });
  } else {
    $('supervise-note').textContent = `read-only: you are logged in as ${who.role}`;
  }
}
