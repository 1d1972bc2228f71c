// ui.js — pieces shared by the pages: error messages, tables that scroll on a phone, dates, a pager.
import { ApiError } from './api.js';
import { h } from './dom.js';
import { currentLang, t } from './i18n.js';

export function errorText(e) {
  if (e instanceof ApiError && e.status === 0) return t('error.network');
  if (e instanceof ApiError && e.status === 403) return t('error.forbidden');
  return t('error.generic', { message: e.message });
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, errorText(e));
}

export function loading() {
  return h('p', { class: 'muted', role: 'status' }, t('common.loading'));
}

// A table inside a focusable, scrollable wrapper so a phone never scrolls the whole page sideways.
// cols: [{key, label, cell?: (row) => Node|string}]
// On a phone each row shows as a block of "label: value" lines (CSS over data-label).
export function table(caption, cols, rows, attrs = {}) {
  const head = h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.label)));
  const body = rows.map((r) => h('tr', {}, cols.map((c) => h('td', { 'data-label': c.label }, c.cell ? c.cell(r) : fmt(r[c.key])))));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', attrs, h('caption', { class: 'sr-only' }, caption), h('thead', {}, head), h('tbody', {}, body)));
}

export function fmt(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return v.toLocaleString(currentLang());
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return String(v);
}

// An enum value in words (enumLabel('size', 'small') is 小型 / small); an unknown one as it is.
export function enumLabel(name, value) {
  const key = `${name}.${value}`;
  const s = t(key);
  return s === key ? String(value) : s;
}

// A code with its name from the catalogs: codeName('city', '440300') is "深圳市 440300"; an industry code
// is named by its division (its first three characters).
export function codeName(kind, code) {
  const key = kind === 'division' ? String(code).slice(0, 3) : code;
  const name = enumLabel(kind, key);
  return name === String(key) ? String(code) : `${name} ${code}`;
}

// "2026-11-27T18:55:58Z" in the current language's short form; anything unparsable is shown as it is.
export function fmtTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return d.toLocaleString(currentLang(), { dateStyle: 'short', timeStyle: 'short' });
}

// Calls fn after the input has been quiet for ms; a new call cancels the pending one.
export function debounce(fn, ms) {
  let timer = null;
  const d = (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  d.cancel = () => clearTimeout(timer);
  return d;
}

// Cursor paging (the API's next_cursor): load(cursor) => {items, next_cursor}; render(items) => Node.
// Shows one page at a time with "first page" and "next page" buttons.
export function pager({ load, render, label, signal }) {
  const out = h('div', { 'aria-live': 'polite' });
  const stack = [];
  let next = null;
  const first = h('button', { type: 'button', class: 'secondary', onclick: () => { stack.length = 0; show(null); } }, t('pager.first'));
  const more = h('button', { type: 'button', class: 'secondary', onclick: () => { stack.push(next); show(next); } }, t('pager.next'));
  const nav = h('div', { class: 'row', role: 'group', 'aria-label': label }, first, more);
  async function show(cursor) {
    out.replaceChildren(loading());
    try {
      const page = await load(cursor, signal);
      next = page.next_cursor || null;
      out.replaceChildren(render(page.items || []));
      more.disabled = !next;
      first.disabled = stack.length === 0;
      nav.hidden = !next && stack.length === 0; // one page only: no paging buttons
    } catch (e) {
      if (e.name !== 'AbortError') out.replaceChildren(errorBox(e));
    }
  }
  show(null);
  return { el: h('div', {}, out, nav), reload: () => show(stack.length ? stack[stack.length - 1] : null) };
}

// A {zh, en} pair in the current language (the other one when it is missing); a plain string as it is.
export function localized(v) {
  if (!v || typeof v !== 'object') return v ?? '';
  return (currentLang() === 'en' ? v.en || v.zh : v.zh || v.en) || '';
}

// The lang attribute for a text that may be in either language (policy titles are).
export function langOf(s) {
  return /[\u4e00-\u9fff]/.test(String(s)) ? 'zh-CN' : 'en';
}

// Fen (the API's money) as yuan with two decimals: 123456 -> "1,234.56 元" / "CNY 1,234.56".
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const n = (Number(fen) / 100).toLocaleString(currentLang(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return t('common.yuan', { amount: n });
}

// Today as YYYY-MM-DD (the local date: what "open today" means to the user).
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// A status line that screen readers announce: note(el, 'ok', text) replaces el's content.
export function note(el, cls, text) {
  el.replaceChildren(h('p', { class: cls, role: cls === 'error' ? 'alert' : 'status' }, text));
}

// A labelled field: the label above its control, with an optional hint tied by aria-describedby.
export function field(id, labelKey, control, hintKey = null) {
  control.id = id;
  if (!control.name) control.name = id;
  const parts = [h('label', { for: id }, t(labelKey)), control];
  if (hintKey) {
    control.setAttribute('aria-describedby', `${id}-hint`);
    parts.push(h('p', { class: 'hint', id: `${id}-hint` }, t(hintKey)));
  }
  return h('div', { class: 'field' }, parts);
}

// A <select> over values with their labels; first = [value, label] of a leading "any" option, or null.
export function select(values, labelOf, first = null) {
  return h('select', {}, first ? h('option', { value: first[0] }, first[1]) : null,
    values.map((v) => h('option', { value: v }, labelOf(v))));
}
