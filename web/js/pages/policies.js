// pages/policies.js — the public policy library (GET /api/v1/policies): full-text search that works in Chinese
// (the server's FTS5 trigram index), filters by department, category, city, "open for application" and deadline,
// sorted by publication or deadline, shown as cards or as a table (the choice is remembered), paged by cursor.
// A logged-in user can subscribe to the search (POST /me/subscriptions) to be alerted of new matching policies.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { CATEGORIES, STATUSES, categoryLabel, cityCodes, openBadge, span, statusLabel, titleText } from '../policyfmt.js';
import { hasRole, session } from '../session.js';
import { enumLabel, errorText, field, fmtTime, localized, note, pager, select, table } from '../ui.js';

const VIEW_KEY = 'techup.library-view';

function card(p) {
  return h('li', { class: 'card libcard', 'data-policy': p.id },
    h('h2', { class: 'h3' }, h('a', { href: `#/policy/${p.id}` }, titleText(p))),
    h('p', { class: 'meta' }, `${p.department || '—'} · ${p.doc_number || '—'}`),
    h('p', { class: 'row tags' }, h('span', { class: 'tag' }, categoryLabel(p.category)), openBadge(p),
      p.status !== 'published' && p.status !== 'revised' ? h('span', { class: 'tag' }, statusLabel(p.status)) : null),
    localized(p.summary) ? h('p', {}, localized(p.summary)) : null,
    p.mode === 'no_application' ? null : h('p', { class: 'muted' }, t('policies.window', { window: span(p.apply_from, p.apply_to) })));
}

function tableView(items) {
  return table(t('policies.results'), [
    { key: 'title', label: t('policy.title'), cell: (p) => h('a', { href: `#/policy/${p.id}` }, titleText(p)) },
    { key: 'department', label: t('policy.department') },
    { key: 'category', label: t('policy.category'), cell: (p) => categoryLabel(p.category) },
    { key: 'published_at', label: t('policy.published_at'), cell: (p) => fmtTime(p.published_at) },
    { key: 'apply_to', label: t('policy.deadline'), cell: (p) => p.apply_to || '—' },
    { key: 'open', label: t('policies.open'), cell: (p) => openBadge(p) },
  ], items, { id: 'policy-table' });
}

export default {
  path: '#/policies',
  nav: 'nav.policies',
  public: true,
  render({ signal }) {
    const official = hasRole('city_official', 'provincial_official');
    const q = h('input', { type: 'search', autocomplete: 'off' });
    // The server filters on the exact department; the choices are those of the library (one request of up to
    // 200 policies, the library's size for a province), so no one has to type a department's full name.
    const department = select([], String, ['', t('policies.any')]);
    api('GET', `/policies${qs({ limit: 200, status: official ? 'draft,preview,published,revised,withdrawn,expired' : '' })}`, undefined, { signal })
      .then((res) => {
        const names = [...new Set((res.items || []).map((p) => p.department).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
        department.append(...names.map((n) => h('option', { value: n }, n)));
      }).catch(() => { /* the filter stays at "any"; the search itself reports errors */ });
    const category = select(CATEGORIES, categoryLabel, ['', t('policies.any')]);
    const city = select(cityCodes(), (c) => enumLabel('city', c), ['', t('policies.any')]);
    const open = h('input', { type: 'checkbox', id: 'f-open', name: 'open' });
    const deadline = h('input', { type: 'date' });
    const sort = select(['published', 'deadline'], (s) => t(`policies.sort_${s}`));
    const status = official ? select(STATUSES, statusLabel, ['', t('policies.status_default')]) : null;
    let view = localStorage.getItem(VIEW_KEY) === 'table' ? 'table' : 'cards';
    const list = h('div', { id: 'policy-list' });
    const msg = h('div', { id: 'library-msg', 'aria-live': 'polite' });

    const query = () => ({
      q: q.value.trim(), department: department.value, category: category.value, city: city.value,
      open: open.checked ? 1 : '', deadline_before: deadline.value, sort: sort.value, status: status ? status.value : '',
    });
    let current = null;
    function search() {
      const params = query();
      current = pager({
        label: t('policies.pages'),
        signal,
        load: (cursor, sig) => api('GET', `/policies${qs({ ...params, limit: 20, cursor })}`, undefined, { signal: sig }),
        render: (items) => {
          if (!items.length) return h('p', { class: 'muted', id: 'policy-empty' }, t('policies.empty'));
          return view === 'table' ? tableView(items) : h('ul', { class: 'cards' }, items.map(card));
        },
      });
      list.replaceChildren(current.el);
    }

    const viewButtons = ['cards', 'table'].map((v) => h('button', {
      type: 'button', class: 'secondary', id: `view-${v}`, 'aria-pressed': String(view === v),
      onclick: () => {
        view = v;
        localStorage.setItem(VIEW_KEY, v);
        viewButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.id === `view-${v}`)));
        if (current) current.reload();
      },
    }, t(`policies.view_${v}`)));

    const subscribe = session.me ? h('button', { type: 'button', class: 'secondary', id: 'subscribe', onclick: async () => {
      const p = query();
      const body = { query: { q: p.q, department: p.department, category: p.category, city: p.city } };
      try {
        await api('POST', '/me/subscriptions', body, { signal });
        note(msg, 'ok', t('policies.subscribed'));
      } catch (e) {
        if (e.name !== 'AbortError') note(msg, 'error', errorText(e));
      }
    } }, t('policies.subscribe')) : null;

    const form = h('form', { role: 'search', class: 'filters', 'aria-label': t('policies.search'),
      onsubmit: (ev) => { ev.preventDefault(); search(); } },
    h('div', { class: 'row grow' }, field('f-q', 'policies.keywords', q), h('button', { type: 'submit', id: 'search-btn' }, t('policies.search'))),
    h('details', { class: 'more-filters', open: window.innerWidth >= 760 ? true : null },
      h('summary', {}, t('policies.filters')),
      h('div', { class: 'filter-grid' },
        field('f-department', 'policy.department', department),
        field('f-category', 'policy.category', category),
        field('f-city', 'policies.city', city),
        field('f-deadline', 'policies.deadline_before', deadline),
        field('f-sort', 'policies.sort', sort),
        status ? field('f-status', 'policy.status', status) : null,
        h('div', { class: 'check' }, open, h('label', { for: 'f-open' }, t('policies.open_only'))))));
    // Filters apply as they change; the keywords on submit (Enter).
    for (const c of [department, category, city, open, deadline, sort, status]) if (c) c.addEventListener('change', search);

    search();
    return h('section', { class: 'library' }, h('h1', {}, t('policies.title')), form,
      h('div', { class: 'row' }, h('div', { role: 'group', 'aria-label': t('policies.view'), class: 'row' }, viewButtons), subscribe), msg, list);
  },
};
