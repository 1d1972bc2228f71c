// pages/login.js — password login (POST /api/v1/session); on success the router sends the user to their home.
import { api, ApiError } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { loadMe } from '../session.js';
import { errorText } from '../ui.js';

export default {
  path: '#/login',
  nav: 'nav.login',
  public: true,
  render({ done }) {
    const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
    const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const msg = h('p', { role: 'status', 'aria-live': 'polite' });
    const form = h('form', { class: 'stack', onsubmit: async (ev) => {
      ev.preventDefault();
      msg.className = '';
      msg.textContent = '';
      try {
        await api('POST', '/session', { username: user.value, password: pass.value });
        await loadMe();
        done();
      } catch (e) {
        msg.className = 'error';
        msg.textContent = e instanceof ApiError && e.status === 401 ? t('login.failed') : errorText(e);
      }
    } },
    h('label', { for: 'login-user' }, t('login.username')), user,
    h('label', { for: 'login-pass' }, t('login.password')), pass,
    h('button', { type: 'submit' }, t('login.submit')), msg);
    return h('section', {}, h('h1', {}, t('login.title')), form);
  },
};
