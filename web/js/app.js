// app.js — the portal shell: a hash router over the page modules of js/pages/, the navigation for the logged-in
// role, and the language switch. A page module is {path, nav, roles | public, render({signal, done})}: render
// returns the page's element at once and fills it in as its requests answer; signal aborts those requests (and
// any timers or charts the page made) when the user leaves the page or switches language.
import { h, mount } from './dom.js';
import { currentLang, initialLang, setLang, t } from './i18n.js';
import { loadMe, logout, session } from './session.js';
import audit from './pages/audit.js';
import editor from './pages/editor.js';
import forme from './pages/forme.js';
import login from './pages/login.js';
import me from './pages/me.js';
import mydata from './pages/mydata.js';
import users from './pages/users.js';
import projects from './pages/projects.js';
import projectsNew from './pages/projects-new.js';
import projectsReview from './pages/projects-review.js';
import quota from './pages/quota.js';
import loans from './pages/loans.js';

// In navigation order. The public policy library (pages/policies.js) and the inbox join this list when their
// API routes exist (GET /api/v1/policies, the inbox routes).
const pages = [forme, mydata, editor, users, audit, me, login];
pages.splice(pages.indexOf(me), 0, projects, projectsNew, projectsReview, quota, loans); // the project pages (issue 8)

function allowed(page) {
  if (page.public) return true;
  return !!session.me && page.roles.includes(session.me.role);
}

// Where login and '#/' lead: the page each role comes for.
const HOME = { enterprise: forme, city_official: editor, provincial_official: editor, admin: users, auditor: audit, bank_officer: me };

function home() {
  return session.me ? (HOME[session.me.role] || me).path : login.path;
}

function navLinks() {
  const visible = session.me ? pages.filter((p) => !p.public && allowed(p)) : [login];
  const here = location.hash;
  const ul = h('ul', {}, visible.map((p) => h('li', {},
    h('a', { href: p.path, 'aria-current': here === p.path ? 'page' : null }, t(p.nav)))));
  if (session.me) {
    ul.append(h('li', {}, h('button', { class: 'linklike', type: 'button', onclick: async () => {
      await logout();
      location.hash = login.path;
      navLinks();
    } }, t('nav.logout'))));
  }
  document.getElementById('nav').replaceChildren(ul);
}

let current = null; // the AbortController of the page on screen

function route(focus = true) {
  if (current) current.abort();
  current = new AbortController();
  const hash = location.hash || '#/';
  if (hash === '#/') { location.replace(home()); return; }
  const page = pages.find((p) => p.path === hash);
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
    el = page.render({ signal: current.signal, done: () => { navLinks(); location.hash = home(); } });
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
