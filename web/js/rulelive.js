// rulelive.js — a rule textarea checked as one types, shared by the rule editor and the policy editor.
// Quiet for 300 ms, the text goes to POST /rules/validate; an error is shown with its line and a caret under
// its column; a valid rule then goes to POST /rules/match (the live count and the impact by city, division and
// size, drawn with ECharts). Each keystroke aborts the requests of the previous one, so a late answer never
// overwrites a newer one.
import { api, isAbort } from './api.js';
import { barChart } from './charts.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { codeName, debounce, enumLabel, errorText, fmt } from './ui.js';

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
export function chartItems(counts, labelOf) {
  return Object.entries(counts || {}).map(([key, count]) => ({ label: labelOf(key), count }))
    .sort((x, y) => y.count - x.count);
}

export const cityLabel = (code) => enumLabel('city', code);
export const sizeLabel = (size) => enumLabel('size', size);
export const divisionLabel = (code) => codeName('division', code);

// The three impact charts (by city, division, size) over a breakdown {city, division, size} of counts:
// {el, show(breakdown), dispose()}. prefix keeps the element ids apart when a page has two sets.
export function impactCharts(prefix = 'chart') {
  const charts = [barChart(`${prefix}-city`, 'editor.by_city'), barChart(`${prefix}-division`, 'editor.by_division'),
    barChart(`${prefix}-size`, 'editor.by_size')];
  const el = h('div', { class: 'charts', hidden: true }, charts.map((c) => c.el));
  return {
    el,
    show(b) {
      el.hidden = false;
      charts[0].update(chartItems(b.city, cityLabel));
      charts[1].update(chartItems(b.division, divisionLabel));
      charts[2].update(chartItems(b.size, sizeLabel));
    },
    hide() { el.hidden = true; },
    dispose() { charts.forEach((c) => c.dispose()); },
  };
}

// Wires text (a textarea) to live checks: {status, count, charts (element), run}. area, a <select> of the city
// to count in, is optional; draft(src) is called with each text checked (to keep a draft).
export function liveRule({ text, area = null, signal, draft = null }) {
  const status = h('div', { id: 'rule-status', 'aria-live': 'polite' });
  const count = h('div', { id: 'match-count', class: 'count', 'aria-live': 'polite' });
  const charts = impactCharts();
  let inflight = null;

  async function run() {
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const sig = inflight.signal;
    const src = text.value;
    if (draft) draft(src);
    if (!src.trim()) {
      status.replaceChildren(h('p', { class: 'muted' }, t('editor.empty')));
      count.replaceChildren();
      charts.hide();
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
      const m = await api('POST', '/rules/match', { text: src, city: (area && area.value) || undefined }, { signal: sig });
      const total = m.eligible + m.not_eligible + m.unknown; // near_miss is a part of not_eligible
      count.replaceChildren(h('p', { class: 'big' }, t('editor.count', { count: fmt(m.eligible), total: fmt(total) })),
        h('p', { class: 'muted' }, t('editor.count_more', { near: fmt(m.near_miss), unknown: fmt(m.unknown) })));
      charts.show((m.breakdown && m.breakdown.eligible) || {});
    } catch (e) {
      if (!isAbort(e)) count.replaceChildren(h('span', { class: 'error', role: 'alert' }, errorText(e)));
    }
  }

  const later = debounce(run, 300);
  text.addEventListener('input', later);
  if (area) area.addEventListener('change', run);
  signal.addEventListener('abort', () => {
    later.cancel();
    if (inflight) inflight.abort();
    charts.dispose();
  });
  return { status, count, charts: charts.el, run };
}
