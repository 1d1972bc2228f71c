// pages/policies.js — the public policy library (GET /api/v1/policies?q=): search, then a card per policy.
// Not routed yet: app.js adds it to its page list when the policies route exists on the server.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { errorBox } from '../ui.js';

export default {
  path: '#/policies',
  nav: 'nav.policies',
  public: true,
  render({ signal }) {
    const q = h('input', { id: 'policy-q', type: 'search', name: 'q' });
    const list = h('div', { id: 'policy-list', 'aria-live': 'polite' });
    const search = async () => {
      try {
        const res = await api('GET', `/policies${qs({ q: q.value })}`, undefined, { signal });
        const items = res.items || [];
        list.replaceChildren(items.length ? h('ul', { class: 'cards' }, items.map((p) => h('li', { class: 'card' },
          h('a', { href: `#/policies/${p.id}` }, currentLang() === 'en' ? p.title_en || p.title_zh : p.title_zh))))
          : h('p', { class: 'muted' }, t('policies.empty')));
      } catch (e) {
        if (e.name !== 'AbortError') list.replaceChildren(errorBox(e));
      }
    };
    const form = h('form', { role: 'search', class: 'row', onsubmit: (ev) => { ev.preventDefault(); search(); } },
      h('label', { for: 'policy-q' }, t('policies.search')), q, h('button', { type: 'submit' }, t('policies.search')));
    search();
    return h('section', {}, h('h1', {}, t('policies.title')), form, list);
  },
};
