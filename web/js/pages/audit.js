// pages/audit.js — the audit trail for auditors and admins: the hash chain's verification status first
// (GET /audit/verify: ✓ intact over N rows, or ✗ with the first bad row), then the rows newest first, paged.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox, fmtTime, loading, pager, table } from '../ui.js';

// The status box, and a promise of the first bad row's id (null when the chain is intact or unknown).
function verifyBox(signal) {
  const box = h('div', { id: 'audit-verify', class: 'panel', role: 'status', 'aria-live': 'polite' }, loading());
  const bad = api('GET', '/audit/verify', undefined, { signal }).then((v) => {
    if (v.ok) {
      box.className = 'panel verified';
      box.replaceChildren(h('p', { class: 'ok big' }, `✓ ${t('audit.intact', { rows: v.rows })}`),
        h('p', { class: 'muted mono' }, t('audit.head', { head: v.head || '—' })));
    } else {
      box.className = 'panel broken';
      box.replaceChildren(h('p', { class: 'bad big' }, `✗ ${t('audit.broken', { id: v.bad_id ?? '—' })}`),
        h('p', {}, t('audit.reason', { reason: v.reason || '—' })));
    }
    return v.ok ? null : v.bad_id;
  }).catch((e) => {
    if (e.name !== 'AbortError') box.replaceChildren(errorBox(e));
    return null;
  });
  return { box, bad };
}

export default {
  path: '#/audit',
  nav: 'nav.audit',
  roles: ['admin', 'auditor'],
  render({ signal }) {
    const verify = verifyBox(signal);
    let badId = null;
    const cols = [
      { key: 'id', label: t('audit.id'), cell: (r) => (r.id === badId ? h('strong', { class: 'bad', id: 'audit-bad-row' }, `✗ ${r.id}`) : String(r.id)) },
      { key: 'ts', label: t('audit.ts'), cell: (r) => fmtTime(r.ts) },
      { key: 'actor', label: t('audit.actor') },
      { key: 'action', label: t('audit.action'), cell: (r) => h('code', {}, r.action) },
      { key: 'target', label: t('audit.target') },
      { key: 'hash', label: t('audit.hash'), cell: (r) => h('code', { title: r.hash }, (r.hash || '').slice(0, 12)) },
    ];
    const list = pager({
      label: t('audit.title'),
      signal,
      load: async (cursor, sig) => {
        badId = await verify.bad; // rows are drawn once the chain's state is known, the bad one marked
        return api('GET', `/audit${qs({ limit: 50, cursor, sort: '-id' })}`, undefined, { signal: sig });
      },
      render: (items) => (items.length ? table(t('audit.title'), cols, items, { id: 'audit-table' }) : h('p', { class: 'muted' }, t('audit.empty'))),
    });
    return h('section', {}, h('h1', {}, t('audit.title')), verify.box, list.el);
  },
};
