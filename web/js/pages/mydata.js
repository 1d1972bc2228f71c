// pages/mydata.js — an enterprise user's own record (GET /enterprises/{uscc}, the USCC being the user's scope):
// every value with where it came from and as of which date, so a wrong value can be recognised and reported.
import { api } from '../api.js';
import { catalogView, loadCatalog } from '../catalog.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, enumLabel, errorBox, fmt, loading, table } from '../ui.js';

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

function sourceText(v) {
  if (!v) return '—';
  if (v.derived) return t('data.derived');
  return v.source || '—';
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
        body.replaceChildren(
          h('p', { class: 'lead' }, h('strong', { id: 'ent-name' }, ent.name || '—'), ' ', h('span', { class: 'muted mono' }, ent.uscc || uscc)),
          table(t('data.title'), [
            { key: 'name', label: t('data.attribute'), cell: (r) => cv.label(r.name) },
            { key: 'value', label: t('data.value'), cell: (r) => valueText(r.name, r.v, cv) },
            { key: 'source', label: t('data.source'), cell: (r) => sourceText(r.v) },
            { key: 'as_of', label: t('data.as_of'), cell: (r) => (r.v && r.v.as_of) || '—' },
          ], rows, { id: 'data-table' }),
          h('p', { class: 'muted' }, t('data.wrong_hint')));
      })
      .catch((e) => { if (e.name !== 'AbortError') body.replaceChildren(errorBox(e)); });
    return h('section', {}, title, body);
  },
};
