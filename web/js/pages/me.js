// pages/me.js — the caller's account (from the session) and changing one's own password (PUT /me/password).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { errorText } from '../ui.js';

function passwordForm() {
  const old = h('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password', required: true });
  const neu = h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  return h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('PUT', '/me/password', { old_password: old.value, new_password: neu.value });
      msg.className = 'ok';
      msg.textContent = t('me.password_changed');
      old.value = ''; neu.value = '';
    } catch (e) {
      msg.className = 'error';
      msg.textContent = errorText(e);
    }
  } },
  h('h2', {}, t('me.change_password')),
  h('label', { for: 'pw-old' }, t('me.old_password')), old,
  h('label', { for: 'pw-new' }, t('me.new_password')), neu,
  h('button', { type: 'submit' }, t('me.change_password')), msg);
}

export default {
  path: '#/me',
  nav: 'nav.me',
  roles: ['enterprise', 'city_official', 'provincial_official', 'bank_officer', 'auditor', 'admin'],
  render() {
    const me = session.me;
    return h('section', {}, h('h1', {}, t('me.title')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('login.username')), h('dd', { id: 'me-username' }, me.username),
        h('dt', {}, t('me.role')), h('dd', { id: 'me-role' }, t(`role.${me.role}`)),
        h('dt', {}, t('me.scope')), h('dd', { id: 'me-scope' }, me.scope || '—')),
      passwordForm());
  },
};
