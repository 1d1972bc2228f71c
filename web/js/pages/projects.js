// pages/projects.js — an enterprise's own projects (GET /projects, scoped by the server to its USCC): state and
// deadline of each; a project opens with its facts, the steps the enterprise may take (submit, resubmit, start,
// claim), an edit button while it is a draft or returned, its awards with their explanations and a form to apply
// it to a policy, and its event history.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox, loading } from '../ui.js';
import { detailPanel, editing, opening, projectTable } from './projects-common.js';

export default {
  path: '#/projects',
  nav: 'nav.projects',
  roles: ['enterprise'],
  render({ signal }) {
    const list = h('div', { id: 'my-projects' }, loading());
    const detail = h('div');
    const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'projects-msg', class: 'ok' });
    const open = (id, focus = true) => {
      const panel = detailPanel(id, {
        role: 'enterprise', signal,
        onChanged: (p, text) => { msg.textContent = text; load(); open(p.id, false); },
        extra: (p) => (['draft', 'returned'].includes(p.state)
          ? h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'proj-edit', onclick: () => { editing.project = p; location.hash = '#/projects/new'; } }, t('proj.edit')))
          : null),
      });
      detail.replaceChildren(panel);
      if (focus) panel.focus();
    };
    const load = () => api('GET', `/projects${qs({ limit: 200 })}`, undefined, { signal })
      .then((r) => list.replaceChildren(projectTable(t('proj.my_title'), r.items || [], { id: 'projects-table', pick: (p) => open(p.id) })))
      .catch((e) => { if (e.name !== 'AbortError') list.replaceChildren(errorBox(e)); });
    load();
    if (opening.id) {
      msg.textContent = opening.message || '';
      open(opening.id, false);
      opening.id = null;
      opening.message = null;
    }
    return h('section', {}, h('h1', {}, t('proj.my_title')),
      h('p', {}, h('a', { href: '#/projects/new', class: 'button-link' }, t('proj.new_link'))),
      msg, list, detail);
  },
};
