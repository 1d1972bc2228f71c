// pages/editor.js — the officials' rule editor: the readable rule syntax in a textarea, checked as one types
// (rulelive.js: the error with a caret, then the live count and the impact charts), and "try it on an
// enterprise" (POST /rules/explain).
import { api, isAbort } from '../api.js';
import { h } from '../dom.js';
import { currentLang, keysOf, t } from '../i18n.js';
import { liveRule } from '../rulelive.js';
import { session } from '../session.js';
import { enumLabel, errorText } from '../ui.js';

const EXAMPLE = 'industry_section == "C"\n  and revenue >= 2000\n  and ("specialized_sme" in tags or "high_tech" in tags)';
// The draft survives a reload, per user (a shared desk computer keeps each official's own).
const draftKey = () => `techup.rule-draft.${session.me.username}`;

const cityLabel = (code) => enumLabel('city', code);

// "Try it on an enterprise": POST /rules/explain {text, uscc} -> the outcome and its sentences in the current
// language, so an official sees why a given enterprise is in or out.
function tryPanel(text, signal) {
  const uscc = h('input', { id: 'try-uscc', name: 'uscc', autocomplete: 'off', maxlength: '18', required: true, class: 'mono' });
  const out = h('div', { id: 'try-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'row', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const res = await api('POST', '/rules/explain', { text: text.value, uscc: uscc.value.trim() }, { signal });
      const lines = (res.sentences && res.sentences[currentLang() === 'en' ? 'en' : 'zh']) || [];
      const outcome = res.explanation && res.explanation.outcome;
      out.replaceChildren(h('p', { class: outcome === 'eligible' ? 'ok' : outcome === 'unknown' ? 'muted' : 'warn' },
        h('strong', {}, `${res.name} · ${t(`editor.outcome_${outcome}`)}`)),
      h('ul', { class: 'sentences' }, lines.map((l) => h('li', {}, l))));
    } catch (e) {
      if (!isAbort(e)) out.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  } },
  h('label', { for: 'try-uscc' }, t('editor.try_uscc')), uscc, h('button', { type: 'submit' }, t('editor.try')));
  return h('section', { class: 'panel', 'aria-labelledby': 'try-h' }, h('h2', { id: 'try-h' }, t('editor.try_title')), form, out);
}

// Where the impact is counted: a provincial official chooses the province or one city; a city official's
// counts are always its own city's (the server enforces it), so the choice is fixed.
function areaSelect() {
  const me = session.me;
  if (me.role === 'city_official') {
    return h('select', { id: 'match-area', name: 'city', disabled: true }, h('option', { value: '' }, cityLabel(me.scope)));
  }
  return h('select', { id: 'match-area', name: 'city' }, h('option', { value: '' }, t('editor.province')),
    keysOf('city.').sort().map((c) => h('option', { value: c }, cityLabel(c))));
}

export default {
  path: '#/rules',
  nav: 'nav.editor',
  roles: ['city_official', 'provincial_official'],
  render({ signal }) {
    const text = h('textarea', { id: 'rule-text', name: 'rule', rows: '8', spellcheck: 'false', autocapitalize: 'off',
      autocomplete: 'off', 'aria-describedby': 'rule-hint rule-status' });
    text.value = localStorage.getItem(draftKey()) ?? EXAMPLE;
    const area = areaSelect();
    const live = liveRule({ text, area, signal, draft: (src) => localStorage.setItem(draftKey(), src) });
    live.run();
    return h('section', { class: 'editor' }, h('h1', {}, t('editor.title')),
      h('label', { for: 'rule-text' }, t('editor.rule')),
      h('p', { id: 'rule-hint', class: 'hint' }, t('editor.hint')),
      text, live.status, h('div', { class: 'row' }, h('label', { for: 'match-area' }, t('editor.area')), area), live.count, live.charts,
      tryPanel(text, signal));
  },
};
