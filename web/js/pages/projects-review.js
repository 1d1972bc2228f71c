// pages/projects-review.js — a city or provincial official's review queue: the projects in its scope waiting for a
// step of its role (GET /projects?state=...; the workflow table says which states), each opening with the steps
// allowed with a comment (POST /projects/{id}/transitions), the energy-review decision of its tier, awards and
// history; below, the overdue projects and those due within a week (GET /projects/overdue[?within=7]).
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { errorBox, errorText, loading } from '../ui.js';
import { detailPanel, projectTable, queueStates } from './projects-common.js';

// Who decides an energy review of each tier (workflow.h): the provincial official the provincial tier, the city
// official (standing in for the county) the city and county tiers.
const REVIEWER = { provincial: 'provincial_official', city: 'city_official', county: 'city_official' };

function energyForm(p, signal) {
  if (REVIEWER[p.energy_review_tier] !== session.me.role || p.state === 'draft') return null;
  const out = h('div', { id: 'energy-status' }, loading());
  const show = (r) => out.replaceChildren(h('p', {}, r.decision
    ? t(r.decision.passed ? 'proj.energy.passed' : 'proj.energy.failed', { day: r.decision.day, who: r.decision.reviewer })
    : t('proj.energy.pending')));
  api('GET', `/projects/${p.id}/energy-review`, undefined, { signal }).then(show)
    .catch((e) => { if (e.name !== 'AbortError') out.replaceChildren(errorBox(e)); });
  const comment = h('input', { id: 'energy-comment', name: 'comment', autocomplete: 'off', maxlength: '500' });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  const decide = async (passed) => {
    try {
      show(await api('POST', `/projects/${p.id}/energy-review`, { passed, comment: comment.value.trim() || undefined }, { signal }));
      msg.className = 'ok';
      msg.textContent = t('proj.energy.recorded');
    } catch (e) { if (e.name !== 'AbortError') { msg.className = 'error'; msg.textContent = errorText(e); } }
  };
  return h('section', { 'aria-labelledby': 'energy-h' }, h('h3', { id: 'energy-h' }, t('proj.energy.title', { tier: t(`proj.tier.${p.energy_review_tier}`) })),
    out, h('div', { class: 'stack-loose' }, h('label', { for: 'energy-comment' }, t('proj.energy.comment')), comment),
    h('div', { class: 'row' },
      h('button', { type: 'button', onclick: () => decide(true) }, t('proj.energy.pass')),
      h('button', { type: 'button', class: 'secondary', onclick: () => decide(false) }, t('proj.energy.fail'))), msg);
}

export default {
  path: '#/review',
  nav: 'nav.review',
  roles: ['city_official', 'provincial_official'],
  render({ signal }) {
    const role = session.me.role;
    const queue = h('div', { id: 'review-queue' }, loading());
    const overdue = h('div', { id: 'overdue' }, loading());
    const soon = h('div', { id: 'due-soon' }, loading());
    const detail = h('div');
    const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'review-msg', class: 'ok' });
    const open = (id, focus = true) => {
      const panel = detailPanel(id, { role, signal, extra: (p) => energyForm(p, signal),
        onChanged: (p, text) => { msg.textContent = text; load(); open(p.id, false); } });
      detail.replaceChildren(panel);
      if (focus) panel.focus();
    };
    const fill = (slot, caption, id, items) => slot.replaceChildren(projectTable(caption, items, { id, pick: (p) => open(p.id), showOwner: true }));
    const load = () => {
      Promise.all(queueStates(role).map((s) => api('GET', `/projects${qs({ state: s, limit: 200 })}`, undefined, { signal })))
        .then((pages) => fill(queue, t('proj.queue'), 'queue-table',
          pages.flatMap((r) => r.items || []).sort((a, b) => (a.deadline || '9999').localeCompare(b.deadline || '9999'))))
        .catch((e) => { if (e.name !== 'AbortError') queue.replaceChildren(errorBox(e)); });
      api('GET', '/projects/overdue', undefined, { signal })
        .then((r) => fill(overdue, t('proj.overdue'), 'overdue-table', r.items || []))
        .catch((e) => { if (e.name !== 'AbortError') overdue.replaceChildren(errorBox(e)); });
      api('GET', `/projects/overdue${qs({ within: 7 })}`, undefined, { signal })
        .then((r) => fill(soon, t('proj.due_soon'), 'due-soon-table', r.items || []))
        .catch((e) => { if (e.name !== 'AbortError') soon.replaceChildren(errorBox(e)); });
    };
    load();
    return h('section', {}, h('h1', {}, t('proj.review_title')),
      h('p', { class: 'muted' }, t(`proj.review_lead.${role}`, { scope: session.me.scope || '' })),
      msg,
      h('h2', {}, t('proj.queue')), queue, detail,
      h('h2', {}, t('proj.overdue')), overdue,
      h('h2', {}, t('proj.due_soon')), soon);
  },
};
