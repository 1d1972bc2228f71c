// pages/grants.js — 免申即享 grant lists for officials: choose a no-application policy, generate its grant list
// (POST /grants), open a list with its enterprises and computed benefits (GET /grants/{id}, paged), approve it
// once (POST /grants/{id}/approve) and export it as CSV or XLSX (GET /grants/{id}/export, a file download).
import { api, isAbort, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { enumLabel, errorBox, errorText, field, fmt, fmtTime, loading, localized, note, pager, table, yuan } from '../ui.js';

const listStatus = (s) => enumLabel('grants.status', s);

// One list: its facts, approve, export links, and its items page by page.
function listView(id, signal, onChange) {
  const box = h('section', { class: 'panel', id: 'grant-detail', 'aria-labelledby': 'grant-h' }, loading());
  const msg = h('div', { id: 'grant-msg', 'aria-live': 'polite' });
  async function show() {
    try {
      const g = await api('GET', `/grants/${id}${qs({ limit: 1 })}`, undefined, { signal });
      const approve = g.status === 'generated' ? h('button', { type: 'button', id: 'approve-btn', onclick: async () => {
        approve.disabled = true;
        try {
          await api('POST', `/grants/${id}/approve`, undefined, { signal });
          note(msg, 'ok', t('grants.approved'));
          show();
          onChange();
        } catch (e) {
          approve.disabled = false;
          if (!isAbort(e)) note(msg, 'error', errorText(e));
        }
      } }, t('grants.approve')) : null;
      const items = pager({
        label: t('grants.pages'),
        signal,
        load: (cursor, sig) => api('GET', `/grants/${id}${qs({ limit: 50, cursor })}`, undefined, { signal: sig })
          .then((r) => ({ items: r.items || [], next_cursor: r.next_cursor || null })),
        render: (rows) => (rows.length ? table(t('grants.items'), [
          { key: 'uscc', label: t('grants.enterprise'), cell: (r) => h('span', { class: 'mono' }, r.uscc || r.enterprise || r.ent_id || '—') },
          { key: 'name', label: t('grants.name'), cell: (r) => r.name || '—' },
          { key: 'benefit_fen', label: t('grants.benefit'), cell: (r) => yuan(r.benefit_fen) },
          { key: 'excluded', label: t('grants.excluded'), cell: (r) => r.excluded || '—' },
        ], rows, { id: 'grant-items' }) : h('p', { class: 'muted' }, t('grants.no_items'))),
      });
      box.replaceChildren(h('h2', { id: 'grant-h' }, t('grants.list_title', { id }), g.policy_title ? ` · ${localized(g.policy_title)}` : ''),
        h('dl', { class: 'facts' },
          h('dt', {}, t('grants.status')), h('dd', { id: 'grant-status' }, listStatus(g.status)),
          h('dt', {}, t('policy.version')), h('dd', {}, fmt(g.version)),
          g.total_fen !== undefined ? [h('dt', {}, t('grants.total')), h('dd', {}, yuan(g.total_fen))] : null,
          g.reviewed_by ? [h('dt', {}, t('grants.reviewed_by')), h('dd', {}, `${g.reviewed_by} · ${fmtTime(g.reviewed_at)}`)] : null),
        h('div', { class: 'row' }, approve,
          h('a', { class: 'button-link', id: 'export-csv', href: `/api/v1/grants/${id}/export?format=csv`, download: '' }, t('grants.export_csv')),
          h('a', { class: 'button-link', id: 'export-xlsx', href: `/api/v1/grants/${id}/export?format=xlsx`, download: '' }, t('grants.export_xlsx'))),
        msg, items.el);
    } catch (e) {
      if (!isAbort(e)) box.replaceChildren(errorBox(e));
    }
  }
  show();
  return box;
}

export default {
  path: '#/grants',
  pattern: /^#\/grants\/(\d+)$/,
  nav: 'nav.grants',
  roles: ['city_official', 'provincial_official'],
  render({ signal, params }) {
    const policy = h('select', {}, h('option', { value: '' }, t('grants.choose')));
    const lists = h('div', { id: 'grant-lists', 'aria-live': 'polite' });
    const detail = h('div');
    const msg = h('div', { id: 'grants-msg', 'aria-live': 'polite' });
    const generate = h('button', { type: 'button', id: 'generate-btn', disabled: true, onclick: async () => {
      generate.disabled = true;
      try {
        const r = await api('POST', '/grants', { policy: Number(policy.value) }, { signal });
        note(msg, 'ok', t('grants.generated', { id: r.id }));
        await loadLists();
        open(r.id);
      } catch (e) {
        if (!isAbort(e)) note(msg, 'error', errorText(e));
      } finally {
        generate.disabled = !policy.value;
      }
    } }, t('grants.generate'));

    function open(id) { detail.replaceChildren(listView(id, signal, loadLists)); }

    async function loadLists() {
      if (!policy.value) { lists.replaceChildren(); return; }
      lists.replaceChildren(loading());
      try {
        const res = await api('GET', `/grants${qs({ policy: policy.value })}`, undefined, { signal });
        const items = res.items || [];
        lists.replaceChildren(items.length ? table(t('grants.lists'), [
          { key: 'id', label: t('grants.list') },
          { key: 'created_at', label: t('notify.created_at'), cell: (g) => fmtTime(g.created_at) },
          { key: 'status', label: t('grants.status'), cell: (g) => listStatus(g.status) },
          { key: 'reviewed_by', label: t('grants.reviewed_by'), cell: (g) => (g.reviewed_by ? `${g.reviewed_by} · ${fmtTime(g.reviewed_at)}` : '—') },
          { key: 'open', label: t('users.actions'), cell: (g) => h('button', { type: 'button', class: 'secondary', 'aria-label': t('grants.open_named', { id: g.id }), onclick: () => open(g.id) }, t('grants.open')) },
        ], items, { id: 'grant-lists-table' }) : h('p', { class: 'muted' }, t('grants.none')));
      } catch (e) {
        if (!isAbort(e)) lists.replaceChildren(errorBox(e));
      }
    }

    policy.addEventListener('change', () => { generate.disabled = !policy.value; detail.replaceChildren(); loadLists(); });
    // The no-application policies in force (the only ones a list can be made for).
    api('GET', `/policies${qs({ limit: 200 })}`, undefined, { signal }).then((res) => {
      const mine = (res.items || []).filter((p) => p.mode === 'no_application');
      policy.append(...mine.map((p) => h('option', { value: String(p.id) }, localized(p.title) || p.code)));
      if (!mine.length) note(msg, 'muted', t('grants.no_policies'));
      if (params[0]) { policy.value = params[0]; generate.disabled = !policy.value; loadLists(); }
    }).catch((e) => { if (!isAbort(e)) msg.replaceChildren(errorBox(e)); });
    return h('section', {}, h('h1', {}, t('grants.title')), h('p', { class: 'hint' }, t('grants.hint')),
      h('div', { class: 'row grow' }, field('grant-policy', 'grants.policy', policy), generate), msg, lists, detail);
  },
};
