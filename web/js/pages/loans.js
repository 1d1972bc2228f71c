// pages/loans.js — a bank officer's loan products (GET /loan-products?bank=B, the bank being the officer's scope),
// a form to publish one (POST /banks/{bank}/loan-products), and the projects that chose the bank
// (GET /banks/{bank}/projects) with the product and principal each chose.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, errorBox, errorText, loading, table } from '../ui.js';
import { money, stateLabel, yuan } from './projects-common.js';

// 435 basis points as "4.35%".
function rate(bp) { return `${(bp / 100).toFixed(2)}%`; }

function productsTable(items) {
  if (!items.length) return h('p', { class: 'muted' }, t('loans.none'));
  return table(t('loans.products'), [
    { key: 'id', label: t('loans.id') },
    { key: 'name', label: t('loans.name') },
    { key: 'rate_bp', label: t('loans.rate'), cell: (l) => rate(l.rate_bp) },
    { key: 'term_months', label: t('loans.term'), cell: (l) => t('loans.months', { n: l.term_months }) },
    { key: 'range', label: t('loans.range'), cell: (l) => `${money(l.min_amount)} – ${money(l.max_amount)}` },
    { key: 'eligibility', label: t('loans.eligibility'), cell: (l) => (l.eligibility ? h('code', {}, JSON.stringify(l.eligibility)) : t('loans.everyone')) },
  ], items, { id: 'products-table' });
}

function publishForm(bank, signal, done) {
  const F = [
    { name: 'name', key: 'loans.name', attrs: { maxlength: '200' } },
    { name: 'rate', key: 'loans.rate_percent', attrs: { inputmode: 'decimal' } },
    { name: 'term_months', key: 'loans.term_months', attrs: { inputmode: 'numeric' } },
    { name: 'min_amount', key: 'loans.min_amount', attrs: { inputmode: 'decimal' } },
    { name: 'max_amount', key: 'loans.max_amount', attrs: { inputmode: 'decimal' } },
  ];
  const inputs = Object.fromEntries(F.map((f) => [f.name, h('input', { id: `loan-${f.name}`, name: f.name, autocomplete: 'off', required: true, ...f.attrs })]));
  const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'loan-msg' });
  const bad = (text, input) => { msg.className = 'error'; msg.textContent = text; input.focus(); };
  const form = h('form', { class: 'stack', id: 'loan-publish', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(F.map((f) => [f.name, inputs[f.name].value.trim()]));
    const empty = F.find((f) => !v[f.name]);
    if (empty) return bad(t('proj.err.field_required', { field: t(empty.key) }), inputs[empty.name]);
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(v.rate) || Number(v.rate) <= 0 || Number(v.rate) > 100) return bad(t('loans.err.rate'), inputs.rate);
    if (!/^\d{1,3}$/.test(v.term_months) || Number(v.term_months) < 1 || Number(v.term_months) > 600) return bad(t('loans.err.term'), inputs.term_months);
    try {
      const l = await api('POST', `/banks/${encodeURIComponent(bank)}/loan-products`, {
        name: v.name, rate_bp: Math.round(Number(v.rate) * 100), term_months: Number(v.term_months),
        min_amount: v.min_amount, max_amount: v.max_amount }, { signal });
      msg.className = 'ok';
      msg.textContent = t('loans.published', { name: l.name });
      form.reset();
      done();
    } catch (e) { if (e.name !== 'AbortError') { msg.className = 'error'; msg.textContent = errorText(e); } }
  } },
  h('h2', {}, t('loans.publish')),
  F.flatMap((f) => [h('label', { for: `loan-${f.name}` }, t(f.key)), inputs[f.name]]),
  h('button', { type: 'submit' }, t('loans.publish_do')), msg);
  return form;
}

export default {
  path: '#/loans',
  nav: 'nav.loans',
  roles: ['bank_officer'],
  render({ signal }) {
    const bank = session.me.scope;
    const products = h('div', { id: 'products' }, loading());
    const projects = h('div', { id: 'bank-projects' }, loading());
    const load = () => api('GET', `/loan-products${qs({ bank })}`, undefined, { signal })
      .then((r) => products.replaceChildren(productsTable(r.items || [])))
      .catch((e) => { if (e.name !== 'AbortError') products.replaceChildren(errorBox(e)); });
    load();
    api('GET', `/banks/${encodeURIComponent(bank)}/projects`, undefined, { signal })
      .then((r) => {
        const items = r.items || [];
        projects.replaceChildren(items.length ? table(t('loans.projects'), [
          { key: 'id', label: t('proj.id') },
          { key: 'name', label: t('proj.name') },
          { key: 'uscc', label: t('proj.uscc'), cell: (p) => h('span', { class: 'mono' }, p.uscc) },
          { key: 'city', label: t('proj.city'), cell: (p) => codeName('city', p.city) },
          { key: 'state', label: t('proj.state'), cell: (p) => stateLabel(p.state) },
          { key: 'loan_product_id', label: t('loans.id') },
          { key: 'loan_principal', label: t('loans.principal'), cell: (p) => yuan(p.loan_principal) },
        ], items, { id: 'bank-projects-table' }) : h('p', { class: 'muted' }, t('proj.none')));
      })
      .catch((e) => { if (e.name !== 'AbortError') projects.replaceChildren(errorBox(e)); });
    return h('section', {}, h('h1', {}, t('loans.title', { bank })),
      h('h2', {}, t('loans.products')), products,
      h('h2', {}, t('loans.projects')), projects,
      publishForm(bank, signal, load));
  },
};
