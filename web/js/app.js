// app.js — the portal: a hash router over page modules; state is the logged-in user (GET /api/v1/me).
import { api, ApiError } from './api.js';
import { h, mount } from './dom.js';
import { t, setLang, initialLang, currentLang } from './i18n.js';

const state = { me: null };

function navLinks() {
  const items = [['#/policies', 'nav.policies']];
  if (state.me) {
    if (state.me.role === 'enterprise') items.push(['#/for-me', 'nav.forme'], ['#/inbox', 'nav.inbox']);
    items.push(['#/me', 'nav.me']);
  } else {
    items.push(['#/login', 'nav.login']);
  }
  const ul = h('ul', {}, items.map(([href, key]) => h('li', {}, h('a', { href }, t(key)))));
  if (state.me) ul.append(h('li', {}, h('button', { class: 'secondary', type: 'button', onclick: logout }, t('nav.logout'))));
  document.getElementById('nav').replaceChildren(ul);
}

async function loadMe() {
  // GET /session answers 200 whether or not a session is open, so an anonymous visit logs no error.
  try {
    const s = await api('GET', '/session');
    state.me = s.authenticated ? s.user : null;
  } catch (e) {
    console.warn('session:', e.message);
    state.me = null;
  }
}

async function logout() {
  try { await api('DELETE', '/session'); } catch (e) { /* already logged out */ }
  state.me = null;
  location.hash = '#/login';
  navLinks();
}

function errorBox(e) {
  const msg = e instanceof ApiError && e.status === 0 ? t('error.network') : t('error.generic', { message: e.message });
  return h('p', { class: 'error', role: 'alert' }, msg);
}

function loginPage() {
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/session', { username: user.value, password: pass.value });
      await loadMe();
      navLinks();
      location.hash = state.me && state.me.role === 'enterprise' ? '#/for-me' : '#/me';
    } catch (e) {
      msg.className = 'error';
      msg.textContent = e instanceof ApiError && e.status === 401 ? t('login.failed') : errorBox(e).textContent;
    }
  } },
  h('label', { for: 'login-user' }, t('login.username')), user,
  h('label', { for: 'login-pass' }, t('login.password')), pass,
  h('button', { type: 'submit' }, t('login.submit')), msg);
  return h('section', {}, h('h1', {}, t('login.title')), form);
}

function mePage() {
  if (!state.me) { location.hash = '#/login'; return h('p'); }
  const scope = state.me.uscc || state.me.city || state.me.bank_id || '—';
  return h('section', {}, h('h1', {}, t('me.title')),
    h('dl', {}, h('dt', {}, t('login.username')), h('dd', { id: 'me-username' }, state.me.username),
      h('dt', {}, t('me.role')), h('dd', { id: 'me-role' }, t(`role.${state.me.role}`)),
      h('dt', {}, t('me.scope')), h('dd', {}, String(scope))));
}

function policiesPage() {
  const q = h('input', { id: 'policy-q', type: 'search', name: 'q' });
  const list = h('div', { id: 'policy-list', 'aria-live': 'polite' });
  const search = async () => {
    try {
      const res = await api('GET', `/policies?q=${encodeURIComponent(q.value)}`);
      const items = res.items || [];
      list.replaceChildren(items.length ? h('ul', {}, items.map((p) => h('li', { class: 'card' },
        h('a', { href: `#/policies/${p.id}` }, currentLang() === 'en' ? p.title_en || p.title_zh : p.title_zh))))
        : h('p', { class: 'muted' }, t('policies.empty')));
    } catch (e) {
      list.replaceChildren(e instanceof ApiError && e.status === 404 ? h('p', { class: 'muted' }, t('policies.empty')) : errorBox(e));
    }
  };
  const form = h('form', { role: 'search', onsubmit: (ev) => { ev.preventDefault(); search(); } },
    h('label', { for: 'policy-q' }, t('policies.search')), ' ', q, ' ', h('button', { type: 'submit' }, t('policies.search')));
  search();
  return h('section', {}, h('h1', {}, t('policies.title')), form, list);
}

const routes = { '#/login': loginPage, '#/me': mePage, '#/policies': policiesPage };

function route() {
  const page = routes[location.hash] || (location.hash === '' ? policiesPage : null);
  mount(page ? page() : h('section', {}, h('h1', {}, t('notfound.title'))));
  document.getElementById('main').focus({ preventScroll: true });
}

async function start() {
  await setLang(initialLang());
  const sel = document.getElementById('lang-select');
  sel.value = currentLang();
  sel.addEventListener('change', async () => { await setLang(sel.value); navLinks(); route(); });
  await loadMe();
  navLinks();
  window.addEventListener('hashchange', route);
  route();
}

start();
