// pages/forme.js — "policies for me": the enterprise's matches from GET /enterprises/{uscc}/policies in three
// groups — eligible; near miss with the conditions still unmet; unknown with the data that is missing — each
// policy with its explanation sentences in the current language.
import { api, qs } from '../api.js';
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

// The answer as {eligible:[], near_miss:[], unknown:[]}, whether the API groups the policies or lists them
// with an outcome each.
function grouped(res) {
  const out = { eligible: [], near_miss: [], unknown: [] };
  if (Array.isArray(res.items)) {
    for (const p of res.items) (out[p.outcome] || out.unknown).push(p);
    return out;
  }
  for (const g of Object.keys(out)) out[g] = res[g] || [];
  return out;
}

function title(p) {
  const en = currentLang() === 'en';
  return (en ? p.title_en || p.title_zh : p.title_zh || p.title_en) || p.title || p.policy_id || p.id;
}

function sentences(p) {
  const s = p.sentences ?? p.explanation_text ?? (p.explanation && p.explanation.sentences);
  if (Array.isArray(s)) return s;
  if (typeof s === 'string') return s.split('\n').filter(Boolean);
  return [];
}

function explanation(p) {
  return p.explanation || {};
}

function card(p, g, cv) {
  const ex = explanation(p);
  const extra = [];
  if (g.key === 'near_miss') {
    const unmet = (ex.near_miss && ex.near_miss.unmet) || p.unmet || [];
    if (unmet.length) {
      extra.push(h('p', { class: 'warn' }, t('forme.still_needed')),
        h('ul', { class: 'unmet' }, unmet.map((u) => h('li', {}, typeof u === 'string' ? u : u.sentence || u.text))));
    }
  }
  if (g.key === 'unknown') {
    const missing = ex.missing || p.missing || [];
    if (missing.length) extra.push(h('p', {}, t('forme.missing_data', { attrs: missing.map((m) => cv.label(m)).join('、') })));
  }
  const benefit = p.benefit ?? p.estimated_benefit;
  const lines = sentences(p);
  return h('li', { class: `card policy ${g.key}` },
    h('h3', {}, h('span', { class: g.cls, 'aria-hidden': 'true' }, `${g.mark} `), title(p)),
    benefit !== undefined && benefit !== null ? h('p', { class: 'benefit' }, t('forme.benefit', { amount: fmt(benefit) })) : null,
    extra,
    lines.length ? h('details', { open: g.key !== 'eligible' || null },
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
    const lang = currentLang() === 'en' ? 'en' : 'zh';
    Promise.all([api('GET', `/enterprises/${encodeURIComponent(uscc)}/policies${qs({ lang })}`, undefined, { signal }), loadCatalog()])
      .then(([res, cat]) => {
        const cv = catalogView(cat);
        const groups = grouped(res || {});
        body.replaceChildren(...GROUPS.map((g) => h('section', { class: 'group', id: `group-${g.key}`, 'aria-labelledby': `group-${g.key}-h` },
          h('h2', { id: `group-${g.key}-h` }, `${t(`forme.${g.key}`)} (${groups[g.key].length})`),
          groups[g.key].length ? h('ul', { class: 'cards' }, groups[g.key].map((p) => card(p, g, cv)))
            : h('p', { class: 'muted' }, t(`forme.none_${g.key}`)))));
      })
      .catch((e) => { if (e.name !== 'AbortError') body.replaceChildren(errorBox(e)); });
    return h('section', {}, h('h1', {}, t('forme.title')), body);
  },
};
