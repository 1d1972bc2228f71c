// policyfmt.js — how a policy reads on the pages: its enums in words, its window, its title in the current language.
import { h } from './dom.js';
import { keysOf, t } from './i18n.js';
import { enumLabel, langOf, localized, today } from './ui.js';

export const CATEGORIES = ['equipment_reward', 'loan_interest', 'land', 'energy', 'demonstration', 'cultivation', 'other'];
export const MODES = ['apply', 'no_application'];
export const STATUSES = ['draft', 'preview', 'published', 'revised', 'withdrawn', 'expired'];

export const categoryLabel = (c) => enumLabel('category', c);
export const modeLabel = (m) => enumLabel('mode', m);
export const statusLabel = (s) => enumLabel('status', s);
export const cityCodes = () => keysOf('city.').sort();

// The title as an element with its own lang (a title may exist in one language only).
export function titleText(p) {
  const s = localized(p.title) || p.code || `#${p.id}`;
  return h('span', { lang: langOf(s) }, s);
}

// Whether the application window is open today, as the library's open=1 filter means it: a window that
// includes today, on a policy in force.
export function isOpen(p) {
  const d = today();
  return !!p.apply_from && !!p.apply_to && p.apply_from <= d && d <= p.apply_to && (p.status === 'published' || p.status === 'revised');
}

// "2021-03-01 – 2025-10-31" or "—".
export function span(from, to) {
  if (!from && !to) return '—';
  return `${from || '…'} – ${to || '…'}`;
}

// "Open now" or "not open"; a 免申即享 policy has no application, so its mode instead.
export function openBadge(p) {
  if (p.mode === 'no_application') return h('span', { class: 'tag' }, modeLabel(p.mode));
  return isOpen(p) ? h('span', { class: 'tag ok-tag' }, t('policies.open_now')) : h('span', { class: 'tag' }, t('policies.closed'));
}
