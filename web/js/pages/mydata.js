// pages/mydata.js — an enterprise user's own record (GET /enterprises/{uscc}, the USCC being the user's scope):
// every value with where it came from and as of which date, so a wrong value can be recognised and reported:
// "this value is wrong" opens a form that sends a dispute to the officials (POST /enterprises/{uscc}/disputes);
// the enterprise's disputes and their outcome are listed below (GET .../disputes).
import { api, isAbort } from '../api.js';
import { catalogView, loadCatalog } from '../catalog.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, enumLabel, errorBox, errorText, fmt, fmtTime, loading, note, table } from '../ui.js';

const ENUMS = ['size', 'region'];
const CODES = { city: 'city', industry: 'division', industry_division: 'division' };

function valueText(name, v, cv) {
  if (!v || v.value === null || v.value === undefined) return h('span', { class: 'muted' }, t('data.missing'));
  if (name === 'tags' && Array.isArray(v.value)) return v.value.length ? v.value.map((x) => cv.tag(x)).join(t('common.list_sep')) : t('data.no_tags');
  if (ENUMS.includes(name)) return enumLabel(name, v.value);
  if (name in CODES) return codeName(CODES[name], v.value);
  const text = v.text ?? fmt(v.value);
  const unit = cv.unit(name);
  return unit ? `${text} ${unit}` : String(text);
}

const textOf = (x) => (x instanceof Node ? x.textContent : String(x));

function sourceText(v) {
  if (!v) return '—';
  if (v.derived) return t('data.derived');
  return v.source || '—';
}

// The dispute form for one attribute, shown under the table; focus moves into it and back on cancel.
function disputeForm(uscc, name, cv, v, signal, back, sent) {
  const label = cv.label(name);
  const value = h('input', { type: 'text', id: 'dispute-value', name: 'proposed_value', autocomplete: 'off', required: true });
  const comment = h('textarea', { id: 'dispute-comment', name: 'comment', rows: '3' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel stack', id: 'dispute-form', 'aria-labelledby': 'dispute-h', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!value.value.trim()) { note(msg, 'error', t('dispute.need_value')); value.focus(); return; }
    try {
      const r = await api('POST', `/enterprises/${encodeURIComponent(uscc)}/disputes`,
        { attribute: name, proposed_value: value.value.trim(), comment: comment.value.trim() }, { signal });
      sent(r.id, label);
    } catch (e) {
      if (!isAbort(e)) note(msg, 'error', errorText(e));
    }
  } },
  h('h2', { id: 'dispute-h' }, t('dispute.title', { attribute: label })),
  h('p', {}, t('dispute.current', { value: textOf(valueText(name, v, cv)) })),
  h('label', { for: 'dispute-value' }, t('dispute.proposed')), value,
  h('label', { for: 'dispute-comment' }, t('dispute.comment')), comment,
  h('div', { class: 'row' }, h('button', { type: 'submit' }, t('dispute.send')),
    h('button', { type: 'button', class: 'secondary', onclick: () => { form.remove(); back.focus(); } }, t('common.cancel'))),
  msg);
  return form;
}

// The enterprise's own disputes, newest first.
function myDisputes(uscc, cv, signal) {
  const box = h('section', { 'aria-labelledby': 'my-disputes-h' }, h('h2', { id: 'my-disputes-h' }, t('dispute.mine')));
  const body = h('div', { id: 'my-disputes' }, loading());
  box.append(body);
  const load = () => api('GET', `/enterprises/${encodeURIComponent(uscc)}/disputes`, undefined, { signal }).then((res) => {
    const items = res.items || [];
    body.replaceChildren(items.length ? table(t('dispute.mine'), [
      { key: 'attribute', label: t('data.attribute'), cell: (d) => cv.label(d.attribute) },
      { key: 'proposed_value', label: t('dispute.proposed_short') },
      { key: 'created_at', label: t('disputes.raised'), cell: (d) => fmtTime(d.created_at) },
      { key: 'status', label: t('users.status'), cell: (d) => enumLabel('disputes.decision', d.status === 'open' ? 'open' : d.decision || d.status) },
    ], items, { id: 'my-disputes-table' }) : h('p', { class: 'muted' }, t('dispute.none')));
  }).catch((e) => { if (!isAbort(e)) body.replaceChildren(errorBox(e)); });
  load();
  return { el: box, reload: load };
}

export default {
  path: '#/my-data',
  nav: 'nav.mydata',
  roles: ['enterprise'],
  render({ signal }) {
    const uscc = session.me.scope;
    const body = h('div', {}, loading());
    const title = h('h1', {}, t('data.title'));
    Promise.all([api('GET', `/enterprises/${encodeURIComponent(uscc)}`, undefined, { signal }), loadCatalog()])
      .then(([ent, cat]) => {
        const cv = catalogView(cat);
        const values = ent.values || {};
        const names = [...cv.attributes.filter((n) => n in values), ...Object.keys(values).filter((n) => !cv.attributes.includes(n))];
        const rows = names.map((n) => ({ name: n, v: values[n] }));
        const formSlot = h('div', { id: 'dispute-slot' });
        const sentMsg = h('div', { id: 'dispute-msg', 'aria-live': 'polite' });
        const mine = myDisputes(uscc, cv, signal);
        const wrong = (r) => {
          const b = h('button', { type: 'button', class: 'secondary small', 'data-attribute': r.name,
            'aria-label': t('dispute.wrong_named', { attribute: cv.label(r.name) }), onclick: () => {
              const f = disputeForm(uscc, r.name, cv, r.v, signal, b, (id, label) => {
                formSlot.replaceChildren();
                note(sentMsg, 'ok', t('dispute.sent', { id, attribute: label }));
                mine.reload();
                sentMsg.querySelector('p').setAttribute('tabindex', '-1');
                sentMsg.querySelector('p').focus();
              });
              formSlot.replaceChildren(f);
              f.querySelector('input').focus();
            } }, t('dispute.wrong'));
          return b;
        };
        body.replaceChildren(
          h('p', { class: 'lead' }, h('strong', { id: 'ent-name' }, ent.name || '—'), ' ', h('span', { class: 'muted mono' }, ent.uscc || uscc)),
          table(t('data.title'), [
            { key: 'name', label: t('data.attribute'), cell: (r) => cv.label(r.name) },
            { key: 'value', label: t('data.value'), cell: (r) => valueText(r.name, r.v, cv) },
            { key: 'source', label: t('data.source'), cell: (r) => sourceText(r.v) },
            { key: 'as_of', label: t('data.as_of'), cell: (r) => (r.v && r.v.as_of) || '—' },
            { key: 'wrong', label: t('dispute.column'), cell: (r) => (!r.v || r.v.derived || r.name === 'uscc' ? '—' : wrong(r)) },
          ], rows, { id: 'data-table' }),
          h('p', { class: 'muted' }, t('data.wrong_hint')), sentMsg, formSlot, mine.el);
      })
      .catch((e) => { if (e.name !== 'AbortError') body.replaceChildren(errorBox(e)); });
    return h('section', {}, title, body);
  },
};
