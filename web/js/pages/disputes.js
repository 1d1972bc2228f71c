// pages/disputes.js — data disputes for officials ("this value is wrong", raised by enterprises): the open or
// resolved ones in the official's reach (GET /disputes?status=), each open one accepted with the value to write
// (the registry takes it with source "dispute", as of today, and matching re-runs) or rejected, with a comment
// (POST /disputes/{id}/resolve).
import { api, isAbort, qs } from '../api.js';
import { catalogView, loadCatalog } from '../catalog.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { enumLabel, errorText, fmtTime, loading, note, pager } from '../ui.js';

function resolveForm(d, signal, done) {
  const value = h('input', { type: 'text', id: `d${d.id}-value`, name: 'value', autocomplete: 'off', value: d.proposed_value ?? '' });
  const comment = h('input', { type: 'text', id: `d${d.id}-comment`, name: 'comment', autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'polite' });
  const send = async (decision) => {
    try {
      const body = { decision, comment: comment.value.trim() };
      if (decision === 'accept') body.value = value.value.trim();
      await api('POST', `/disputes/${d.id}/resolve`, body, { signal });
      done(decision);
    } catch (e) {
      if (!isAbort(e)) note(msg, 'error', errorText(e));
    }
  };
  return h('form', { class: 'resolve', onsubmit: (ev) => { ev.preventDefault(); send('accept'); } },
    h('div', { class: 'filter-grid' },
      h('div', { class: 'field' }, h('label', { for: value.id }, t('disputes.value')), value),
      h('div', { class: 'field' }, h('label', { for: comment.id }, t('disputes.comment')), comment)),
    h('div', { class: 'row' },
      h('button', { type: 'submit', 'data-action': 'accept' }, t('disputes.accept')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'reject', onclick: () => send('reject') }, t('disputes.reject'))),
    msg);
}

export default {
  path: '#/disputes',
  nav: 'nav.disputes',
  roles: ['city_official', 'provincial_official'],
  render({ signal }) {
    const status = h('select', { id: 'dispute-status', name: 'status' },
      ['open', 'resolved'].map((s) => h('option', { value: s }, t(`disputes.status_${s}`))));
    const body = h('div', {}, loading());
    const msg = h('div', { id: 'disputes-msg', 'aria-live': 'polite' });
    let cv = null;

    function card(d, reload) {
      const label = cv ? cv.label(d.attribute) : d.attribute;
      return h('li', { class: 'card dispute', 'data-dispute': d.id },
        h('h2', { class: 'h3' }, t('disputes.card_title', { name: d.name || d.enterprise_name || d.uscc, attribute: label })),
        h('dl', { class: 'facts' },
          h('dt', {}, t('disputes.enterprise')), h('dd', { class: 'mono' }, d.uscc || '—'),
          h('dt', {}, t('disputes.current')), h('dd', {}, d.current_value ?? '—'),
          h('dt', {}, t('disputes.proposed')), h('dd', { class: 'proposed' }, d.proposed_value ?? '—'),
          h('dt', {}, t('disputes.reason')), h('dd', {}, d.comment || '—'),
          h('dt', {}, t('disputes.raised')), h('dd', {}, fmtTime(d.created_at)),
          d.status !== 'open' ? [h('dt', {}, t('disputes.decision')),
            h('dd', { class: 'decision' }, `${enumLabel('disputes.decision', d.decision || d.status)}${d.resolution_comment ? ` · ${d.resolution_comment}` : ''}`)] : null),
        d.status === 'open' ? resolveForm(d, signal, (decision) => {
          note(msg, 'ok', t(decision === 'accept' ? 'disputes.accepted' : 'disputes.rejected', { attribute: label }));
          reload();
        }) : null);
    }

    function show() {
      const p = pager({
        label: t('disputes.pages'),
        signal,
        load: (cursor, sig) => api('GET', `/disputes${qs({ status: status.value, limit: 20, cursor })}`, undefined, { signal: sig }),
        render: (items) => (items.length ? h('ul', { class: 'cards', id: 'dispute-list' }, items.map((d) => card(d, () => p.reload())))
          : h('p', { class: 'muted', id: 'dispute-empty' }, t('disputes.none'))),
      });
      body.replaceChildren(p.el);
    }
    status.addEventListener('change', show);
    loadCatalog().then((c) => { cv = catalogView(c); }).catch(() => {}).finally(show);
    return h('section', {}, h('h1', {}, t('disputes.title')), h('p', { class: 'hint' }, t('disputes.hint')),
      h('div', { class: 'row' }, h('label', { for: 'dispute-status' }, t('disputes.show')), status), msg, body);
  },
};
