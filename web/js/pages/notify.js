// pages/notify.js — notifications: an enterprise's preferences (GET/PUT /enterprises/{uscc}/preferences: channels,
// e-mail digest, weekly cap, near-miss notices) and, for every logged-in user, the subscriptions to the policy
// library (GET/POST /me/subscriptions, DELETE /me/subscriptions/{id}) that raise an alert when a new policy matches.
import { api, isAbort } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { CATEGORIES, categoryLabel, cityCodes } from '../policyfmt.js';
import { hasRole, session } from '../session.js';
import { enumLabel, errorBox, errorText, field, fmtTime, loading, note, select, table } from '../ui.js';

const check = (id, labelKey, checked) => h('div', { class: 'check' },
  h('input', { type: 'checkbox', id, name: id, checked: checked ? true : null }), h('label', { for: id }, t(labelKey)));

function preferences(signal) {
  const path = `/enterprises/${encodeURIComponent(session.me.scope)}/preferences`;
  const box = h('div', {}, loading());
  const msg = h('div', { id: 'pref-msg', 'aria-live': 'polite' });
  api('GET', path, undefined, { signal }).then((p) => {
    const ch = p.channels || {};
    const email = h('input', { type: 'email', autocomplete: 'email', value: p.email || '' });
    const digest = select(['off', 'daily', 'weekly'], (d) => t(`notify.digest_${d}`));
    digest.value = p.digest || 'off';
    const cap = h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: String(p.max_per_week ?? 0) });
    const form = h('form', { class: 'stack', id: 'pref-form', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = {
        channels: { inbox: true, webhook: form.querySelector('#pref-webhook').checked, email: form.querySelector('#pref-email-on').checked },
        email: email.value.trim(), digest: digest.value, max_per_week: Number(cap.value) || 0,
        near_miss: form.querySelector('#pref-near').checked,
      };
      try {
        await api('PUT', path, body, { signal });
        note(msg, 'ok', t('notify.saved'));
      } catch (e) {
        if (!isAbort(e)) note(msg, 'error', errorText(e));
      }
    } },
    h('fieldset', {}, h('legend', {}, t('notify.channels')),
      check('pref-inbox', 'notify.channel_inbox', true), check('pref-webhook', 'notify.channel_webhook', ch.webhook),
      check('pref-email-on', 'notify.channel_email', ch.email)),
    field('pref-email', 'notify.email', email), field('pref-digest', 'notify.digest', digest),
    field('pref-cap', 'notify.max_per_week', cap, 'notify.max_hint'),
    check('pref-near', 'notify.near_miss', p.near_miss),
    h('div', {}, h('button', { type: 'submit' }, t('notify.save'))), msg);
    form.querySelector('#pref-inbox').disabled = true; // the inbox always receives
    box.replaceChildren(form);
  }).catch((e) => { if (!isAbort(e)) box.replaceChildren(errorBox(e)); });
  return h('section', { class: 'panel', 'aria-labelledby': 'pref-h' }, h('h2', { id: 'pref-h' }, t('notify.preferences')), box);
}

function queryText(q) {
  const parts = [];
  if (q.q) parts.push(`“${q.q}”`);
  if (q.category) parts.push(categoryLabel(q.category));
  if (q.department) parts.push(q.department);
  if (q.city) parts.push(enumLabel('city', q.city));
  return parts.length ? parts.join(' · ') : t('notify.all_policies');
}

function subscriptions(signal) {
  const list = h('div', { id: 'sub-list' }, loading());
  const msg = h('div', { id: 'sub-msg', 'aria-live': 'polite' });
  async function load() {
    try {
      const res = await api('GET', '/me/subscriptions', undefined, { signal });
      const items = res.items || [];
      list.replaceChildren(items.length ? table(t('notify.subscriptions'), [
        { key: 'query', label: t('notify.query'), cell: (s) => queryText(s.query || {}) },
        { key: 'created_at', label: t('notify.created_at'), cell: (s) => fmtTime(s.created_at) },
        { key: 'id', label: t('users.actions'), cell: (s) => h('button', { type: 'button', class: 'secondary', 'aria-label': t('notify.delete_named', { query: queryText(s.query || {}) }),
          onclick: async () => {
            try {
              await api('DELETE', `/me/subscriptions/${s.id}`, undefined, { signal });
              note(msg, 'ok', t('notify.deleted'));
              load();
            } catch (e) { if (!isAbort(e)) note(msg, 'error', errorText(e)); }
          } }, t('notify.delete')) },
      ], items, { id: 'sub-table' }) : h('p', { class: 'muted', id: 'sub-empty' }, t('notify.no_subscriptions')));
    } catch (e) {
      if (!isAbort(e)) list.replaceChildren(errorBox(e));
    }
  }
  const q = h('input', { type: 'text', autocomplete: 'off' });
  const department = h('input', { type: 'text', autocomplete: 'off' });
  const category = select(CATEGORIES, categoryLabel, ['', t('policies.any')]);
  const city = select(cityCodes(), (c) => enumLabel('city', c), ['', t('policies.any')]);
  const form = h('form', { id: 'sub-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/me/subscriptions', { query: { q: q.value.trim(), department: department.value.trim(), category: category.value, city: city.value } }, { signal });
      note(msg, 'ok', t('policies.subscribed'));
      form.reset();
      load();
    } catch (e) {
      if (!isAbort(e)) note(msg, 'error', errorText(e));
    }
  } },
  h('div', { class: 'filter-grid' }, field('sub-q', 'policies.keywords', q), field('sub-department', 'policy.department', department),
    field('sub-category', 'policy.category', category), field('sub-city', 'policies.city', city)),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, t('notify.add'))));
  load();
  return h('section', { class: 'panel', 'aria-labelledby': 'sub-h' }, h('h2', { id: 'sub-h' }, t('notify.subscriptions')),
    h('p', { class: 'hint' }, t('notify.subscriptions_hint')), list, msg, h('h3', {}, t('notify.add_title')), form);
}

export default {
  path: '#/notify',
  nav: 'nav.notify',
  roles: ['enterprise', 'city_official', 'provincial_official', 'bank_officer', 'auditor', 'admin'],
  render({ signal }) {
    return h('section', {}, h('h1', {}, t('notify.title')),
      hasRole('enterprise') ? preferences(signal) : null, subscriptions(signal));
  },
};
