// pages/projects-common.js — what the project pages share: the review workflow's transitions (who may take which
// step), money and decimal formatting, the project list table, a project's facts, its event history and the
// workflow action buttons with a comment. Not a page itself.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { codeName, enumLabel, errorBox, errorText, fmt, loading, table } from '../ui.js';

// Hand-over between the project pages (the router has no parameters): the project "my projects" opens next and
// the message it shows, and the project the declare form edits.
export const opening = { id: null, message: null };
export const editing = { project: null };

export const TYPES = ['equipment_renewal', 'tech_transformation', 'digital_transformation', 'green_low_carbon', 'capacity_expansion'];

// A mirror of tu_wf_transitions (src/app/workflow.c): which buttons to offer. The server decides; a step
// refused there shows its error. `comment`: a reason is required.
export const TRANSITIONS = [
  { from: 'draft', action: 'submit', role: 'enterprise' },
  { from: 'submitted', action: 'accept', role: 'city_official' },
  { from: 'city_review', action: 'forward', role: 'city_official' },
  { from: 'city_review', action: 'return', role: 'city_official', comment: true },
  { from: 'city_review', action: 'reject', role: 'city_official', comment: true },
  { from: 'provincial_review', action: 'approve', role: 'provincial_official' },
  { from: 'provincial_review', action: 'return', role: 'provincial_official', comment: true },
  { from: 'provincial_review', action: 'reject', role: 'provincial_official', comment: true },
  { from: 'returned', action: 'resubmit', role: 'enterprise' },
  { from: 'approved', action: 'start', role: 'enterprise' },
  { from: 'in_construction', action: 'complete', role: 'city_official' },
  { from: 'completed', action: 'claim', role: 'enterprise' },
  { from: 'award_claimed', action: 'pay', role: 'provincial_official' },
];

export function actionsFor(role, state) {
  return TRANSITIONS.filter((x) => x.role === role && x.from === state);
}

// The states in which `role` has a step to take (an official's review queue).
export function queueStates(role) {
  return [...new Set(TRANSITIONS.filter((x) => x.role === role).map((x) => x.from))];
}

// "52000000.5" as "52,000,000.50" without going through a float (amounts up to 10 trillion yuan).
export function money(v) {
  if (v === null || v === undefined || v === '') return '—';
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(v));
  if (!m) return String(v);
  const int = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${m[1]}${int}.${(m[3] || '').padEnd(2, '0')}`;
}

export function yuan(v) { return t('proj.yuan', { amount: money(v) }); }

export function stateLabel(s) {
  return h('span', { class: `state state-${s}` }, t(`proj.state.${s}`));
}

export function deadlineCell(p, today = new Date().toISOString().slice(0, 10)) {
  if (!p.deadline) return '—';
  const late = p.deadline < today;
  return h('span', { class: late ? 'bad' : null }, late ? t('proj.overdue_since', { day: p.deadline }) : p.deadline);
}

// The list of projects as a table; `pick(p)` makes the name a button that opens the project.
export function projectTable(caption, items, { pick, id, showOwner } = {}) {
  const cols = [
    { key: 'id', label: t('proj.id') },
    { key: 'name', label: t('proj.name'), cell: (p) => (pick ? h('button', { type: 'button', class: 'linklike-in', 'aria-label': t('proj.open_named', { name: p.name }), onclick: () => pick(p) }, p.name) : p.name) },
    { key: 'type', label: t('proj.type'), cell: (p) => t(`proj.type.${p.type}`) },
    { key: 'city', label: t('proj.city'), cell: (p) => codeName('city', p.city) },
    { key: 'state', label: t('proj.state'), cell: (p) => stateLabel(p.state) },
    { key: 'deadline', label: t('proj.deadline'), cell: (p) => deadlineCell(p) },
    { key: 'total_investment', label: t('proj.total_investment'), cell: (p) => yuan(p.total_investment) },
  ];
  if (showOwner) cols.splice(2, 0, { key: 'uscc', label: t('proj.uscc'), cell: (p) => h('span', { class: 'mono' }, p.uscc) });
  return items.length ? table(caption, cols, items, { id }) : h('p', { class: 'muted' }, t('proj.none'));
}

// A project's facts as a definition list.
export function facts(p) {
  const rows = [
    ['proj.type', t(`proj.type.${p.type}`)],
    ['proj.uscc', p.uscc],
    ['proj.location', `${codeName('city', p.city)} · ${p.district}`],
    ['proj.filing', `${p.filing_code} (${p.filing_date})`],
    ['proj.planned', `${p.planned_start} – ${p.planned_completion}`],
    ['proj.total_investment', yuan(p.total_investment)],
    ['proj.equipment_investment', yuan(p.equipment_investment)],
    ['proj.energy', t('proj.energy_value', { tce: fmt(p.energy_tce), kwh: fmt(p.energy_kwh) })],
    ['proj.energy_tier', t(`proj.tier.${p.energy_review_tier}`)],
    ['proj.land_mu', t('proj.mu', { mu: fmt(p.land_mu) })],
    ['proj.green', t(p.green_channel ? 'proj.yes' : 'proj.no')],
    ['proj.state', stateLabel(p.state)],
    ['proj.deadline', deadlineCell(p)],
  ];
  if (p.bank_id) rows.push(['proj.loan', t('proj.loan_value', { bank: p.bank_id, amount: money(p.loan_principal) })]);
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

export function equipmentTable(p) {
  if (!p.equipment || !p.equipment.length) return null;
  return table(t('proj.equipment'), [
    { key: 'item', label: t('proj.eq.item') },
    { key: 'category', label: t('proj.eq.category') },
    { key: 'quantity', label: t('proj.eq.quantity') },
    { key: 'unit_price', label: t('proj.eq.unit_price'), cell: (e) => yuan(e.unit_price) },
    { key: 'imported', label: t('proj.eq.origin'), cell: (e) => t(e.imported ? 'proj.eq.imported' : 'proj.eq.domestic') },
  ], p.equipment, { id: 'equipment-table' });
}

// The workflow events of a project, oldest first.
export async function eventsTable(id, signal) {
  const res = await api('GET', `/projects/${id}/events`, undefined, { signal });
  const items = res.items || [];
  return table(t('proj.history'), [
    { key: 'day', label: t('proj.ev.day') },
    { key: 'action', label: t('proj.ev.action'), cell: (e) => actionLabel(e.action) },
    { key: 'to', label: t('proj.ev.to'), cell: (e) => stateLabel(e.to) },
    { key: 'role', label: t('proj.ev.by'), cell: (e) => `${e.actor} (${t(`role.${e.role}`)})` },
    { key: 'comment', label: t('proj.ev.comment') },
  ], items, { id: 'events-table' });
}

// "skip:accept" (a green-channel skip) reads as the skipped step.
function actionLabel(a) {
  const skip = a.startsWith('skip:');
  const name = enumLabel('proj.action', skip ? a.slice(5) : a); // an action added later shows as it is
  return skip ? t('proj.action.skipped', { action: name }) : name;
}

// The steps `role` may take on p, with a comment box; onDone(project) after a step succeeds.
export function actionForm(p, role, onDone) {
  const acts = actionsFor(role, p.state);
  if (!acts.length) return h('p', { class: 'muted', id: 'proj-no-actions' }, t('proj.no_actions'));
  const comment = h('textarea', { id: 'proj-comment', name: 'comment', rows: '3', maxlength: '1000', 'aria-describedby': 'proj-comment-hint' });
  const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'proj-action-msg' });
  const take = async (x, btns) => {
    if (x.comment && !comment.value.trim()) {
      msg.className = 'error';
      msg.textContent = t('proj.comment_required', { action: t(`proj.action.${x.action}`) });
      comment.setAttribute('aria-invalid', 'true');
      comment.focus();
      return;
    }
    comment.removeAttribute('aria-invalid');
    btns.forEach((b) => { b.disabled = true; });
    try {
      const body = { action: x.action };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const next = await api('POST', `/projects/${p.id}/transitions`, body);
      msg.className = 'ok';
      msg.textContent = t('proj.moved', { action: t(`proj.action.${x.action}`), state: t(`proj.state.${next.state}`) });
      onDone(next, msg.textContent);
    } catch (e) {
      msg.className = 'error';
      msg.textContent = errorText(e);
      btns.forEach((b) => { b.disabled = false; });
    }
  };
  const btns = [];
  acts.forEach((x) => btns.push(h('button', { type: 'button', class: x.comment ? 'secondary' : null, onclick: () => take(x, btns) }, t(`proj.action.${x.action}`))));
  return h('div', { class: 'stack-loose', id: 'proj-actions' },
    h('label', { for: 'proj-comment' }, t('proj.comment')), comment,
    h('p', { id: 'proj-comment-hint', class: 'hint' }, t('proj.comment_hint')),
    h('div', { class: 'row', role: 'group', 'aria-label': t('proj.actions') }, btns), msg);
}

// A two-field form of an award (adjust: amount + reason; disburse: amount + reference) posting to path.
function awardForm(kind, a, path, signal, reload) {
  const id = `${kind}-${a.id}`;
  const amount = h('input', { id: `${id}-amount`, name: 'amount', inputmode: 'decimal', autocomplete: 'off' });
  const note = h('input', { id: `${id}-note`, name: kind === 'adjust' ? 'reason' : 'reference', autocomplete: 'off', maxlength: '500' });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  return h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!/^\d{1,13}(\.\d{1,2})?$/.test(amount.value.trim())) { msg.className = 'error'; msg.textContent = t('proj.err.money'); amount.focus(); return; }
    if (!note.value.trim()) { msg.className = 'error'; msg.textContent = t('proj.err.field_required', { field: t(`proj.award.${kind}_note`) }); note.focus(); return; }
    const body = kind === 'adjust' ? { amount: amount.value.trim(), reason: note.value.trim() } : { amount: amount.value.trim(), reference: note.value.trim() };
    try {
      await api('POST', path, body, { signal });
      reload(t(`proj.award.${kind}_done`, { amount: money(body.amount) }));
    } catch (e) { if (e.name !== 'AbortError') { msg.className = 'error'; msg.textContent = errorText(e); } }
  } },
  h('h5', {}, t(`proj.award.${kind}`)),
  h('label', { for: amount.id }, t(`proj.award.${kind}_amount`)), amount,
  h('label', { for: note.id }, t(`proj.award.${kind}_note`)), note,
  h('button', { type: 'submit', class: 'secondary' }, t(`proj.award.${kind}_do`)), msg);
}

// An application's award: amounts and the server's explanation, one step a line; officials adjust it with a
// reason, the provincial official records payments.
function awardCard(p, a, role, signal, reload) {
  const lines = String(a.explanation || '').split('\n').filter(Boolean);
  const base = `/projects/${p.id}/awards/${a.id}`;
  const official = role === 'city_official' || role === 'provincial_official';
  return h('li', { class: 'card award', 'data-application': a.id },
    h('h4', {}, t('proj.award.title', { policy: a.policy, version: a.policy_version })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('proj.award.applied_on')), h('dd', {}, a.applied_on),
      h('dt', {}, t('proj.award.computed')), h('dd', {}, yuan(a.computed)),
      h('dt', {}, t('proj.award.awarded')), h('dd', { class: 'benefit' }, yuan(a.awarded)),
      h('dt', {}, t('proj.award.paid')), h('dd', {}, yuan(a.paid)),
      h('dt', {}, t('proj.award.status')), h('dd', {}, t(`proj.award.status.${a.status}`)),
      a.adjust_reason ? [h('dt', {}, t('proj.award.adjust_reason')), h('dd', {}, `${a.adjust_reason} (${a.adjusted_by})`)] : null),
    h('details', { open: true }, h('summary', {}, t('proj.award.explanation')),
      h('ol', { class: 'explanation', lang: 'en' }, lines.map((l) => h('li', {}, l)))),
    official ? h('div', { class: 'cols' }, awardForm('adjust', a, `${base}/adjustments`, signal, reload),
      role === 'provincial_official' ? awardForm('disburse', a, `${base}/disbursements`, signal, reload) : null) : null);
}

// The awards of a project, and for its enterprise a form to apply it to a policy (POST .../applications).
function awardsSection(p, role, signal) {
  const list = h('div', { id: 'awards' }, loading());
  const done = h('p', { role: 'status', 'aria-live': 'polite', class: 'ok', id: 'awards-msg' });
  const reload = (text) => { done.textContent = text; load(); };
  const load = () => api('GET', `/projects/${p.id}/awards`, undefined, { signal })
    .then((r) => list.replaceChildren((r.items || []).length
      ? h('ul', { class: 'cards' }, r.items.map((a) => awardCard(p, a, role, signal, reload))) : h('p', { class: 'muted' }, t('proj.award.none'))))
    .catch((e) => { if (e.name !== 'AbortError') list.replaceChildren(errorBox(e)); });
  load();
  let form = null;
  if (role === 'enterprise') {
    const policy = h('input', { id: 'apply-policy', name: 'policy', autocomplete: 'off', maxlength: '64', 'aria-describedby': 'apply-policy-hint' });
    const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'apply-msg' });
    form = h('form', { class: 'stack', onsubmit: async (ev) => {
      ev.preventDefault();
      if (!policy.value.trim()) { msg.className = 'error'; msg.textContent = t('proj.award.policy_required'); policy.focus(); return; }
      try {
        const a = await api('POST', `/projects/${p.id}/applications`, { policy: policy.value.trim() }, { signal });
        msg.className = 'ok';
        msg.textContent = t('proj.award.applied', { policy: a.policy, amount: money(a.awarded) });
        policy.value = '';
        load();
      } catch (e) { if (e.name !== 'AbortError') { msg.className = 'error'; msg.textContent = errorText(e); } }
    } },
    h('label', { for: 'apply-policy' }, t('proj.award.policy')), policy,
    h('p', { class: 'hint', id: 'apply-policy-hint' }, t('proj.award.policy_hint')),
    h('button', { type: 'submit' }, t('proj.award.apply')), msg);
  }
  return h('section', { 'aria-labelledby': 'awards-h' }, h('h3', { id: 'awards-h' }, t('proj.awards')), done, list, form);
}

// The interest subsidy of the project's chosen loan under a policy (GET .../interest-subsidy?policy=&days=).
function subsidyForm(p, signal) {
  const policy = h('input', { id: 'subsidy-policy', name: 'policy', autocomplete: 'off', maxlength: '64' });
  const days = h('input', { id: 'subsidy-days', name: 'days', inputmode: 'numeric', value: '360' });
  const out = h('div', { id: 'subsidy', 'aria-live': 'polite' });
  return h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!policy.value.trim()) { out.replaceChildren(h('p', { class: 'error' }, t('proj.award.policy_required'))); policy.focus(); return; }
    if (!/^\d{1,5}$/.test(days.value.trim()) || Number(days.value) < 1) { out.replaceChildren(h('p', { class: 'error' }, t('proj.subsidy.days_error'))); days.focus(); return; }
    try {
      const r = await api('GET', `/projects/${p.id}/interest-subsidy${qs({ policy: policy.value.trim(), days: days.value.trim() })}`, undefined, { signal });
      out.replaceChildren(h('p', { class: 'benefit' }, t('proj.subsidy.result', { policy: r.policy, days: r.days, amount: money(r.subsidy) })),
        h('ol', { class: 'explanation', lang: 'en' }, String(r.explanation || '').split('\n').filter(Boolean).map((l) => h('li', {}, l))));
    } catch (e) { if (e.name !== 'AbortError') out.replaceChildren(h('p', { class: 'error' }, errorText(e))); }
  } },
  h('h4', {}, t('proj.subsidy.title')),
  h('label', { for: 'subsidy-policy' }, t('proj.award.policy')), policy,
  h('label', { for: 'subsidy-days' }, t('proj.subsidy.days')), days,
  h('button', { type: 'submit', class: 'secondary' }, t('proj.subsidy.compute')), out);
}

// The loan products the project qualifies for (GET .../loan-products) and, for its enterprise, choosing one with
// a principal (POST .../loan); the bank then sees the project.
function loanSection(p, role, signal, reopen) {
  const out = h('div', { id: 'loan-products' }, loading());
  api('GET', `/projects/${p.id}/loan-products`, undefined, { signal }).then((r) => {
    const items = r.items || [];
    if (!items.length) { out.replaceChildren(h('p', { class: 'muted' }, t('proj.loan.none'))); return; }
    const list = table(t('proj.loan.products'), [
      { key: 'bank', label: t('proj.loan.bank') },
      { key: 'name', label: t('loans.name') },
      { key: 'rate_bp', label: t('loans.rate'), cell: (l) => `${(l.rate_bp / 100).toFixed(2)}%` },
      { key: 'term_months', label: t('loans.term'), cell: (l) => t('loans.months', { n: l.term_months }) },
      { key: 'range', label: t('loans.range'), cell: (l) => `${money(l.min_amount)} – ${money(l.max_amount)}` },
    ], items, { id: 'loan-products-table' });
    if (role !== 'enterprise') { out.replaceChildren(list); return; }
    const product = h('select', { id: 'loan-product', name: 'product' }, items.map((l) => h('option', { value: String(l.id), selected: l.id === p.loan_product_id }, `${l.bank} · ${l.name}`)));
    const principal = h('input', { id: 'loan-principal', name: 'principal', inputmode: 'decimal', autocomplete: 'off', value: p.loan_principal || '' });
    const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'loan-choose-msg' });
    const form = h('form', { class: 'stack', onsubmit: async (ev) => {
      ev.preventDefault();
      if (!/^\d{1,13}(\.\d{1,2})?$/.test(principal.value.trim())) { msg.className = 'error'; msg.textContent = t('proj.err.money'); principal.focus(); return; }
      try {
        const next = await api('POST', `/projects/${p.id}/loan`, { product: Number(product.value), principal: principal.value.trim() }, { signal });
        reopen(next, t('proj.loan.chosen', { bank: next.bank_id, amount: money(next.loan_principal) }));
      } catch (e) { if (e.name !== 'AbortError') { msg.className = 'error'; msg.textContent = errorText(e); } }
    } },
    h('label', { for: 'loan-product' }, t('proj.loan.product')), product,
    h('label', { for: 'loan-principal' }, t('proj.loan.principal')), principal,
    h('button', { type: 'submit' }, t('proj.loan.choose')), msg);
    out.replaceChildren(...[list, form, p.loan_product_id ? subsidyForm(p, signal) : null].filter(Boolean));
  }).catch((e) => { if (e.name !== 'AbortError') out.replaceChildren(errorBox(e)); });
  return h('section', { 'aria-labelledby': 'loan-h' }, h('h3', { id: 'loan-h' }, t('proj.loan.title')), out);
}

// One project in full: facts, equipment, the steps `role` may take, awards and the event history.
// onChanged(project, message) after a step.
export function detailPanel(id, { role, signal, onChanged, extra }) {
  const panel = h('section', { class: 'panel', id: 'project-detail', 'aria-labelledby': 'project-detail-h', tabindex: '-1' }, loading());
  api('GET', `/projects/${id}`, undefined, { signal }).then(async (p) => {
    const history = h('div', {}, loading());
    panel.replaceChildren(...[
      h('h2', { id: 'project-detail-h' }, t('proj.detail_title', { name: p.name, id: p.id })),
      facts(p), equipmentTable(p),
      h('h3', {}, t('proj.actions')), actionForm(p, role, onChanged),
      extra ? extra(p) : null,
      awardsSection(p, role, signal),
      role === 'enterprise' ? loanSection(p, role, signal, onChanged) : null,
      h('h3', {}, t('proj.history')), history].filter(Boolean));
    try { history.replaceChildren(await eventsTable(id, signal)); } catch (e) { if (e.name !== 'AbortError') history.replaceChildren(errorBox(e)); }
  }).catch((e) => { if (e.name !== 'AbortError') panel.replaceChildren(errorBox(e)); });
  return panel;
}
