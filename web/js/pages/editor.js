// pages/editor.js — the officials' rule editor: the readable rule syntax in a textarea, checked as one types.
// Quiet for 300 ms, the text goes to POST /rules/validate; an error is shown with its line and a caret under
// its column; a valid rule then goes to POST /rules/match (the live count and the impact by city, division and
// size, drawn with ECharts). Each keystroke aborts the
// requests of the previous one, so a late answer never overwrites a newer one.
import { api, isAbort } from '../api.js';
import { barChart } from '../charts.js';
import { h } from '../dom.js';
import { currentLang, keysOf, t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, debounce, enumLabel, errorText, fmt } from '../ui.js';

const EXAMPLE = 'industry_section == "C"\n  and revenue >= 2000\n  and ("specialized_sme" in tags or "high_tech" in tags)';
// The draft survives a reload, per user (a shared desk computer keeps each official's own).
const draftKey = () => `techup.rule-draft.${session.me.username}`;

// What POST /rules/validate found: {error, warnings}. A syntax error comes in errors[] with its line, column
// and the server's caret; a rule that parses but fails the static checks has issues of severity "error".
function diagnostics(res) {
  const issues = (res && res.issues) || [];
  const msg = (i) => (i.text ? `${i.message} (${i.text})` : i.message);
  const parse = (res && res.errors && res.errors[0]) || null;
  const bad = issues.find((i) => i.severity === 'error');
  const error = parse ? { line: parse.line || 0, col: parse.column || 0, message: parse.message || '' }
    : bad ? { line: 0, col: 0, message: msg(bad) }
      : res && res.ok === false ? { line: 0, col: 0, message: t('editor.invalid') } : null;
  return { error, warnings: issues.filter((i) => i.severity === 'warning').map(msg) };
}

// The offending line with a caret under the column. The caret row repeats the line's text up to the column,
// invisible, so the caret lands under the right character whatever the widths of the characters before it.
function caretView(text, err) {
  const lines = text.split('\n');
  const line = lines[err.line - 1];
  const box = h('div', { class: 'rule-error', id: 'rule-error', role: 'alert' },
    h('p', { class: 'error' }, err.line ? t('editor.error_at', { line: err.line, col: err.col, message: err.message }) : t('editor.error', { message: err.message })));
  if (line !== undefined && err.col > 0) {
    const chars = [...line];
    box.append(h('pre', { class: 'caret', 'aria-hidden': 'true' },
      h('span', {}, line), '\n',
      h('span', { class: 'caret-pad' }, chars.slice(0, err.col - 1).join('')), h('span', { class: 'caret-mark' }, '^')));
  }
  return box;
}

// {code: count} of a breakdown as chart items, largest first, each code in words.
function items(counts, labelOf) {
  return Object.entries(counts || {}).map(([key, count]) => ({ label: labelOf(key), count }))
    .sort((x, y) => y.count - x.count);
}

const cityLabel = (code) => enumLabel('city', code);
const sizeLabel = (size) => enumLabel('size', size);
const divisionLabel = (code) => codeName('division', code);

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
    const status = h('div', { id: 'rule-status', 'aria-live': 'polite' });
    const count = h('div', { id: 'match-count', class: 'count', 'aria-live': 'polite' });
    const charts = [barChart('chart-city', 'editor.by_city'), barChart('chart-division', 'editor.by_division'), barChart('chart-size', 'editor.by_size')];
    const chartsBox = h('div', { class: 'charts', hidden: true }, charts.map((c) => c.el));
    const area = areaSelect();
    let inflight = null;

    async function run() {
      if (inflight) inflight.abort();
      inflight = new AbortController();
      const sig = inflight.signal;
      const src = text.value;
      localStorage.setItem(draftKey(), src);
      if (!src.trim()) {
        status.replaceChildren(h('p', { class: 'muted' }, t('editor.empty')));
        count.replaceChildren();
        chartsBox.hidden = true;
        text.removeAttribute('aria-invalid');
        return;
      }
      status.replaceChildren(h('p', { class: 'muted' }, t('editor.checking')));
      if (await validate(src, sig)) await impact(src, sig);
    }

    // Static checks: the error with its caret, or ✓ and any warnings. True when the rule may be matched.
    async function validate(src, sig) {
      try {
        const { error, warnings } = diagnostics(await api('POST', '/rules/validate', { text: src }, { signal: sig }));
        if (error) {
          text.setAttribute('aria-invalid', 'true');
          status.replaceChildren(caretView(src, error));
          count.replaceChildren();
          return false;
        }
        text.removeAttribute('aria-invalid');
        status.replaceChildren(h('p', { class: 'ok', id: 'rule-ok' }, `✓ ${t('editor.valid')}`),
          warnings.length ? h('ul', { class: 'warn', id: 'rule-warnings' }, warnings.map((w) => h('li', {}, w))) : '');
        return true;
      } catch (e) {
        if (!isAbort(e)) status.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
        return false;
      }
    }

    // The live count and the charts of who the rule matches.
    async function impact(src, sig) {
      try {
        const m = await api('POST', '/rules/match', { text: src, city: area.value || undefined }, { signal: sig });
        const total = m.eligible + m.not_eligible + m.unknown; // near_miss is a part of not_eligible
        count.replaceChildren(h('p', { class: 'big' }, t('editor.count', { count: fmt(m.eligible), total: fmt(total) })),
          h('p', { class: 'muted' }, t('editor.count_more', { near: fmt(m.near_miss), unknown: fmt(m.unknown) })));
        const b = (m.breakdown && m.breakdown.eligible) || {};
        chartsBox.hidden = false;
        charts[0].update(items(b.city, cityLabel));
        charts[1].update(items(b.division, divisionLabel));
        charts[2].update(items(b.size, sizeLabel));
      } catch (e) {
        if (!isAbort(e)) count.replaceChildren(h('span', { class: 'error', role: 'alert' }, errorText(e)));
      }
    }

    const later = debounce(run, 300);
    text.addEventListener('input', later);
    area.addEventListener('change', run);
    signal.addEventListener('abort', () => {
      later.cancel();
      if (inflight) inflight.abort();
      charts.forEach((c) => c.dispose());
    });
    run();
    return h('section', { class: 'editor' }, h('h1', {}, t('editor.title')),
      h('label', { for: 'rule-text' }, t('editor.rule')),
      h('p', { id: 'rule-hint', class: 'hint' }, t('editor.hint')),
      text, status, h('div', { class: 'row' }, h('label', { for: 'match-area' }, t('editor.area')), area), count, chartsBox,
      tryPanel(text, signal));
  },
};
