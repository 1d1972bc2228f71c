// pages/forme.js — "policies for me": the enterprise's matches from GET /enterprises/{uscc}/policies in three
// groups — eligible; near miss with the conditions still unmet; unknown with the data that is missing — each
// policy with its explanation sentences in the current language.
import { api } from '../api.js';
import { catalogView, loadCatalog } from '../catalog.js';
import { h } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { session } from '../session.js';
import { errorBox, fmt, loading } from '../ui.js';

const GROUPS = [
  { key: 'eligible', mark: '✓', cls: 'ok' },
  { key: 'near_miss', mark: '≈', cls: 'warn' },
  { key: 'unknown', mark: '?', cls: 'muted' },
];

function sentences(p) {
  const s = p.sentences || {};
  return s[currentLang() === 'en' ? 'en' : 'zh'] || [];
}

// The conditions still unmet of a near miss, in words: the explanation's ✗ sentences (explain.h), or the
// conditions' own text when there are no sentences.
function unmet(p, lines) {
  const crossed = lines.filter((l) => l.startsWith('✗'));
  if (crossed.length) return crossed;
  const ex = p.explanation || {};
  return ((ex.near_miss && ex.near_miss.unmet) || []).map((u) => u.text);
}

function card(p, g, cv) {
  const lines = sentences(p);
  const extra = [];
  if (g.key === 'near_miss') {
    const still = unmet(p, lines);
    if (still.length) extra.push(h('p', { class: 'warn' }, t('forme.still_needed')), h('ul', { class: 'unmet' }, still.map((u) => h('li', {}, u))));
  }
  if (g.key === 'unknown') {
    const missing = (p.explanation && p.explanation.missing) || [];
    if (missing.length) extra.push(h('p', { class: 'missing' }, t('forme.missing_data', { attrs: missing.map((m) => cv.label(m)).join(t('common.list_sep')) })));
  }
  const benefit = p.benefit ?? p.estimated_benefit;
  return h('li', { class: `card policy ${g.key}`, 'data-policy': p.id },
    h('h3', {}, h('span', { class: g.cls, 'aria-hidden': 'true' }, `${g.mark} `),
      h('span', { lang: /[\u4e00-\u9fff]/.test(p.title) ? 'zh-CN' : null }, p.title)), // titles are in one language
    benefit !== undefined && benefit !== null ? h('p', { class: 'benefit' }, t('forme.benefit', { amount: fmt(benefit) })) : null,
    extra,
    lines.length ? h('details', { open: g.key === 'eligible' ? null : true },
      h('summary', {}, t('forme.why')),
      h('ul', { class: 'sentences' }, lines.map((l) => h('li', {}, l)))) : null);
}

export default {
  path: '#/for-me',
  nav: 'nav.forme',
  roles: ['enterprise'],
  render({ signal }) {
    const uscc = session.me.scope;
    const body = h('div', {}, loading());
    Promise.all([api('GET', `/enterprises/${encodeURIComponent(uscc)}/policies`, undefined, { signal }), loadCatalog()])
      .then(([res, cat]) => {
        const cv = catalogView(cat);
        const groups = { eligible: res.eligible || [], near_miss: res.near_miss || [], unknown: res.unknown || [] };
        body.replaceChildren(...GROUPS.map((g) => h('section', { class: 'group', id: `group-${g.key}`, 'aria-labelledby': `group-${g.key}-h` },
          h('h2', { id: `group-${g.key}-h` }, `${t(`forme.${g.key}`)} (${groups[g.key].length})`),
          groups[g.key].length ? h('ul', { class: 'cards' }, groups[g.key].map((p) => card(p, g, cv)))
            : h('p', { class: 'muted' }, t(`forme.none_${g.key}`)))));
      })
      .catch((e) => { if (e.name !== 'AbortError') body.replaceChildren(errorBox(e)); });
    return h('section', {}, h('h1', {}, t('forme.title')), body);
  },
};
