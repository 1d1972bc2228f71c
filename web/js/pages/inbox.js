// pages/inbox.js — an enterprise's inbox (GET /enterprises/{uscc}/inbox): the policies pushed to it (publication,
// revision, reminders, continuous matching), newest first, unread ones marked; each can be marked read or unread,
// dismissed, or flagged "not relevant" (PATCH .../inbox/{item}). The unread count also shows on the nav link.
import { api, isAbort, qs } from '../api.js';
import { fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { enumLabel, errorText, fmtTime, langOf, localized, note, pager } from '../ui.js';

const ACTIONS = [['read', 'inbox.mark_read'], ['unread', 'inbox.mark_unread'], ['dismissed', 'inbox.dismiss'], ['not_relevant', 'inbox.not_relevant']];

function detailText(d) {
  if (!d) return null;
  if (typeof d === 'string') return d;
  return localized(d) || null;
}

export default {
  path: '#/inbox',
  nav: 'nav.inbox',
  roles: ['enterprise'],
  render({ signal }) {
    const base = `/enterprises/${encodeURIComponent(session.me.scope)}/inbox`;
    const summary = h('p', { id: 'inbox-summary', 'aria-live': 'polite' });
    const msg = h('div', { id: 'inbox-msg', 'aria-live': 'polite' });

    async function setState(item, state, li) {
      try {
        await api('PATCH', `${base}/${encodeURIComponent(item.id)}`, { state }, { signal });
        item.state = state;
        li.replaceWith(entry(item));
        window.dispatchEvent(new CustomEvent('techup:inbox-changed'));
        note(msg, 'ok', t('inbox.done', { state: enumLabel('inbox.state', state) }));
      } catch (e) {
        if (!isAbort(e)) note(msg, 'error', errorText(e));
      }
    }

    function entry(item) {
      const title = localized(item.policy_title) || `#${item.policy_id}`;
      const unread = item.state === 'unread';
      const li = h('li', { class: `card inbox-item ${item.state}`, 'data-item': item.id, 'data-state': item.state });
      fill(li,
        h('h2', { class: 'h3' }, unread ? h('span', { class: 'dot', 'aria-hidden': 'true' }, '● ') : null,
          h('a', { href: `#/policy/${item.policy_id}`, lang: langOf(title), onclick: () => { if (unread) setState(item, 'read', li); } }, title)),
        h('p', { class: 'meta' }, `${enumLabel('inbox.kind', item.kind)} · ${fmtTime(item.created_at)} · `,
          h('span', { class: unread ? 'state-unread' : 'muted' }, enumLabel('inbox.state', item.state))),
        detailText(item.detail) ? h('p', {}, detailText(item.detail)) : null,
        h('div', { class: 'row', role: 'group', 'aria-label': t('inbox.actions_for', { title }) },
          ACTIONS.filter(([s]) => s !== item.state && !(s === 'unread' && item.state !== 'read'))
            .map(([s, key]) => h('button', { type: 'button', class: 'secondary', 'data-action': s, onclick: () => setState(item, s, li) }, t(key)))));
      return li;
    }

    const list = pager({
      label: t('inbox.pages'),
      signal,
      load: async (cursor, sig) => {
        const res = await api('GET', `${base}${qs({ limit: 20, cursor })}`, undefined, { signal: sig });
        summary.textContent = t('inbox.unread', { count: res.unread || 0 });
        return res;
      },
      render: (items) => (items.length ? h('ul', { class: 'cards', id: 'inbox-list' }, items.map(entry))
        : h('p', { class: 'muted', id: 'inbox-empty' }, t('inbox.empty'))),
    });
    return h('section', {}, h('h1', {}, t('inbox.title')), summary, msg, list.el);
  },
};
