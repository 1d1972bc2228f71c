// pages/quota.js — the land-use quota ledger of a city and year (GET /quota/{city}/{year}): the balances
// (available, reserved, used, owed to next year) as a chart and in figures, every ledger entry, and the advances
// drawn on the year. A provincial official allocates quota and approves or rejects advances; a city official
// requests an advance against next year's allocation. A city official sees its own city only.
import { api } from '../api.js';
import { barChart } from '../charts.js';
import { h } from '../dom.js';
import { keysOf, t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, errorBox, errorText, fmt, loading, table } from '../ui.js';

const ACCOUNTS = ['available', 'reserved', 'used', 'owed'];

function status(msg, ok, text) {
  msg.className = ok ? 'ok' : 'error';
  msg.textContent = text;
}

// A small form of labelled inputs (a select when a field has options); fields: [{name, key, attrs, options}].
function postForm({ id, title, fields, submitKey, send, done }) {
  const msg = h('p', { role: 'status', 'aria-live': 'polite', id: `${id}-msg` });
  const inputs = fields.map((f) => (f.options
    ? h('select', { id: `${id}-${f.name}`, name: f.name }, f.options.map((o) => h('option', { value: o }, t(`quota.move.${o}`))))
    : h('input', { id: `${id}-${f.name}`, name: f.name, autocomplete: 'off', ...f.attrs })));
  const form = h('form', { class: 'stack', id, onsubmit: async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(fields.map((f, i) => [f.name, inputs[i].value.trim()]));
    const missing = fields.findIndex((f, i) => f.required && !inputs[i].value.trim());
    if (missing >= 0) { status(msg, false, t('proj.err.field_required', { field: t(fields[missing].key) })); inputs[missing].focus(); return; }
    try {
      await send(body);
      status(msg, true, t('quota.saved'));
      form.reset();
      done();
    } catch (e) { if (e.name !== 'AbortError') status(msg, false, errorText(e)); }
  } },
  h('h3', {}, t(title)),
  fields.flatMap((f, i) => [h('label', { for: inputs[i].id }, t(f.key)), inputs[i]]),
  h('button', { type: 'submit' }, t(submitKey)), msg);
  return form;
}

export default {
  path: '#/quota',
  nav: 'nav.quota',
  roles: ['city_official', 'provincial_official', 'auditor'],
  render({ signal }) {
    const role = session.me.role;
    const cityFixed = role === 'city_official';
    const city = h('select', { id: 'quota-city', name: 'city', disabled: cityFixed },
      (cityFixed ? [session.me.scope] : keysOf('city.')).map((c) => h('option', { value: c }, codeName('city', c))));
    const year = h('input', { id: 'quota-year', name: 'year', type: 'number', min: '2000', max: '2199', value: String(new Date().getFullYear()) });
    const out = h('div', { id: 'quota-ledger' });
    const chart = barChart('quota-chart', 'quota.chart');
    signal.addEventListener('abort', () => chart.dispose());
    const url = () => `/quota/${city.value}/${year.value}`;

    const advances = (items) => {
      const cols = [
        { key: 'id', label: t('quota.adv.id') },
        { key: 'day', label: t('quota.day') },
        { key: 'mu', label: t('quota.mu') },
        { key: 'status', label: t('quota.adv.status'), cell: (a) => t(`quota.adv.status.${a.status}`) },
        { key: 'settled', label: t('quota.adv.settled') },
        { key: 'requested_by', label: t('quota.adv.requested_by') },
        { key: 'reason', label: t('quota.adv.reason') },
      ];
      if (role === 'provincial_official') {
        cols.push({ key: 'decide', label: t('quota.adv.decide'), cell: (a) => (a.status !== 'requested' ? '—' : h('div', { class: 'row' },
          h('button', { type: 'button', 'aria-label': t('quota.adv.approve_named', { id: a.id }), onclick: () => decide(a.id, true) }, t('quota.adv.approve')),
          h('button', { type: 'button', class: 'secondary', 'aria-label': t('quota.adv.reject_named', { id: a.id }), onclick: () => decide(a.id, false) }, t('quota.adv.reject')))) });
      }
      return items.length ? table(t('quota.advances'), cols, items, { id: 'advances-table' }) : h('p', { class: 'muted' }, t('quota.adv.none'));
    };
    const rowMsg = h('p', { role: 'status', 'aria-live': 'polite', id: 'quota-msg' });
    const decide = async (id, approve) => {
      try {
        await api('POST', `/quota/advances/${id}/decision`, { approve }, { signal });
        status(rowMsg, true, t(approve ? 'quota.adv.approved_msg' : 'quota.adv.rejected_msg', { id }));
        load();
      } catch (e) { if (e.name !== 'AbortError') status(rowMsg, false, errorText(e)); }
    };

    const load = () => {
      out.replaceChildren(loading());
      api('GET', url(), undefined, { signal }).then((q) => {
        chart.update(ACCOUNTS.map((a) => ({ label: t(`quota.account.${a}`), count: Number(q[a]) })));
        out.replaceChildren(
          h('h2', {}, t('quota.balance_title', { city: codeName('city', q.city), year: q.year })),
          h('dl', { class: 'facts', id: 'quota-balances' }, ACCOUNTS.flatMap((a) => [h('dt', {}, t(`quota.account.${a}`)), h('dd', { id: `quota-${a}` }, t('proj.mu', { mu: fmt(q[a]) }))])),
          h('h2', {}, t('quota.entries')),
          (q.entries || []).length ? table(t('quota.entries'), [
            { key: 'id', label: t('quota.entry.id') },
            { key: 'day', label: t('quota.day') },
            { key: 'kind', label: t('quota.entry.kind'), cell: (e) => t(`quota.kind.${e.kind}`) },
            { key: 'account', label: t('quota.entry.account'), cell: (e) => t(`quota.account.${e.account}`) },
            { key: 'mu', label: t('quota.mu') },
            { key: 'project', label: t('quota.entry.project') },
            { key: 'actor', label: t('quota.entry.actor') },
            { key: 'note', label: t('quota.entry.note') },
          ], q.entries, { id: 'entries-table' }) : h('p', { class: 'muted' }, t('quota.entry.none')),
          h('h2', {}, t('quota.advances')), advances(q.advances || []));
      }).catch((e) => { if (e.name !== 'AbortError') out.replaceChildren(errorBox(e)); });
    };
    city.addEventListener('change', load);
    year.addEventListener('change', load);
    load();

    const forms = [];
    if (role === 'provincial_official') {
      forms.push(postForm({ id: 'allocate', title: 'quota.allocate', submitKey: 'quota.allocate_do', done: load,
        fields: [{ name: 'mu', key: 'quota.mu', required: true, attrs: { inputmode: 'decimal' } }, { name: 'note', key: 'quota.entry.note', attrs: { maxlength: '255' } }],
        send: (b) => api('POST', `${url()}/allocations`, { mu: b.mu, note: b.note || undefined }, { signal }) }));
    }
    if (role === 'city_official') {
      forms.push(postForm({ id: 'advance', title: 'quota.advance', submitKey: 'quota.advance_do', done: load,
        fields: [{ name: 'mu', key: 'quota.mu', required: true, attrs: { inputmode: 'decimal' } }, { name: 'reason', key: 'quota.adv.reason', required: true, attrs: { maxlength: '255' } }],
        send: (b) => api('POST', `${url()}/advances`, b, { signal }) }));
    }
    if (role !== 'auditor') {
      forms.push(postForm({ id: 'project-quota', title: 'quota.project', submitKey: 'quota.project_do', done: load,
        fields: [{ name: 'project', key: 'quota.entry.project', required: true, attrs: { inputmode: 'numeric' } },
          { name: 'action', key: 'quota.move', options: ['reserve', 'use', 'release'] }],
        send: (b) => api('POST', `${url()}/projects/${encodeURIComponent(b.project)}`, { action: b.action }, { signal }) }));
    }
    return h('section', {}, h('h1', {}, t('quota.title')),
      h('div', { class: 'row' }, h('label', { for: 'quota-city' }, t('proj.city')), city, h('label', { for: 'quota-year' }, t('quota.year')), year),
      h('div', { class: 'charts' }, chart.el), rowMsg, out, forms.length ? h('div', { class: 'cols' }, forms) : null);
  },
};
