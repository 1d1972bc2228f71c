// app.js — the portal shell: a hash router over the page modules of js/pages/, the navigation for the logged-in
// role, and the language switch. A page module is {path, nav?, pattern?, roles | public, render({signal, done,
// params})}: render returns the page's element at once and fills it in as its requests answer; signal aborts those
// requests (and any timers or charts the page made) when the user leaves the page or switches language. A page
// with a pattern (a RegExp over the hash) takes its captures as params (#/policy/12 -> ['12']); a page without
// nav has no link in the navigation (it is reached from other pages).
import { h, mount } from './dom.js';
import { currentLang, initialLang, setLang, t } from './i18n.js';
import { loadMe, logout, session } from './session.js';
import { api } from './api.js';
import audit from './pages/audit.js';
import disputes from './pages/disputes.js';
import editor from './pages/editor.js';
import forme from './pages/forme.js';
import grants from './pages/grants.js';
import inbox from './pages/inbox.js';
import login from './pages/login.js';
import me from './pages/me.js';
import mydata from './pages/mydata.js';
import notify from './pages/notify.js';
import policies from './pages/policies.js';
import policy from './pages/policy.js';
import { policyEdit, policyNew } from './pages/polform.js';
import users from './pages/users.js';
import projects from './pages/projects.js';
import projectsNew from './pages/projects-new.js';
import projectsReview from './pages/projects-review.js';
import quota from './pages/quota.js';
import loans from './pages/loans.js';

// In navigation order.
const pages = [forme, inbox, mydata, editor, policyNew, grants, disputes, policies, notify, users, audit, me, login,
  policy, policyEdit];
pages.splice(pages.indexOf(me), 0, projects, projectsNew, projectsReview, quota, loans); // the project pages (issue 8)

function allowed(page) {
  if (page.public) return true;
  return !!session.me && page.roles.includes(session.me.role);
}

// Where login and '#/' lead: the page each role comes for.
const HOME = { enterprise: forme, city_official: editor, provincial_official: editor, admin: users, auditor: audit, bank_officer: loans };

function home() {
  return session.me ? (HOME[session.me.role] || me).path : login.path;
}

function navLinks() {
  const visible = pages.filter((p) => p.nav && (session.me ? allowed(p) && p !== login : p.public));
  const here = location.hash;
  const ul = h('ul', {}, visible.map((p) => h('li', {},
    h('a', { href: p.path, 'aria-current': here === p.path ? 'page' : null }, t(p.nav),
      p === inbox ? h('span', { class: 'badge', id: 'inbox-badge', hidden: true }) : null))));
  if (session.me) {
    ul.append(h('li', {}, h('button', { class: 'linklike', type: 'button', onclick: async () => {
      await logout();
      location.hash = login.path;
      navLinks();
    } }, t('nav.logout'))));
  }
  document.getElementById('nav').replaceChildren(ul);
  if (session.me && allowed(inbox)) refreshUnread();
}

// The unread count on the inbox link ("消息 3", read as "3 unread"); the inbox page calls it after a change.
export async function refreshUnread() {
  const badge = document.getElementById('inbox-badge');
  if (!badge || !session.me) return;
  try {
    const res = await api('GET', `/enterprises/${encodeURIComponent(session.me.scope)}/inbox?limit=1`);
    const n = res.unread || 0;
    badge.textContent = String(n);
    badge.setAttribute('aria-label', t('inbox.unread_badge', { count: n }));
    badge.hidden = n === 0;
  } catch (e) {
    badge.hidden = true;
    if (e.status !== 404) console.warn('inbox:', e.message);
  }
}
window.addEventListener('techup:inbox-changed', refreshUnread);

function findPage(hash) {
  for (const p of pages) {
    if (p.path === hash) return { page: p, params: [] };
    const m = p.pattern && hash.match(p.pattern);
    if (m) return { page: p, params: m.slice(1).map(decodeURIComponent) };
  }
  return { page: null, params: [] };
}

let current = null; // the AbortController of the page on screen

function route(focus = true) {
  if (current) current.abort();
  current = new AbortController();
  const hash = location.hash || '#/';
  if (hash === '#/') { location.replace(home()); return; }
  const { page, params } = findPage(hash);
  let el;
  if (!page) {
    el = h('section', {}, h('h1', {}, t('notfound.title')));
  } else if (!allowed(page)) {
    if (!session.me) { location.replace(login.path); return; }
    el = h('section', {}, h('h1', {}, t('error.forbidden_title')), h('p', {}, t('error.forbidden')));
  } else if (page === login && session.me) {
    location.replace(home());
    return;
  } else {
    el = page.render({ signal: current.signal, params, done: () => { navLinks(); location.hash = home(); } });
  }
  navLinks();
  mount(el);
  const h1 = el.querySelector('h1');
  document.title = h1 ? `${h1.textContent} · ${t('app.name')}` : t('app.name');
  if (focus) document.getElementById('main').focus({ preventScroll: true });
}

async function start() {
  await setLang(initialLang());
  const sel = document.getElementById('lang-select');
  sel.value = currentLang();
  sel.addEventListener('change', async () => { await setLang(sel.value); route(false); });
  await loadMe();
  window.addEventListener('hashchange', () => route());
  window.addEventListener('techup:unauthenticated', () => {
    session.me = null;
    if (location.hash !== login.path) location.hash = login.path;
  });
  route();
}

start();
