// i18n.js — message catalogs (web/i18n/*.json); every visible string goes through t().
const LANGS = ['zh-CN', 'en'];
// Catalogs per area, merged over the main one (i18n/<area>.<lang>.json): areas keep their strings apart.
const AREAS = ['projects'];
let lang = 'zh-CN';
let catalog = {};

export function currentLang() { return lang; }

export async function setLang(next) {
  lang = LANGS.includes(next) ? next : 'zh-CN';
  const files = [`/i18n/${lang}.json`, ...AREAS.map((a) => `/i18n/${a}.${lang}.json`)];
  const parts = await Promise.all(files.map((f) => fetch(f).then((r) => r.json())));
  catalog = Object.assign({}, ...parts);
  document.documentElement.lang = lang;
  localStorage.setItem('techup.lang', lang);
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
}

export function initialLang() {
  return localStorage.getItem('techup.lang') || 'zh-CN';
}

// The keys after prefix of the catalog's keys that start with it: keysOf('city.') -> ['440100', ...].
export function keysOf(prefix) {
  return Object.keys(catalog).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

// t('error.generic', {message: 'x'}) — a missing key shows the key, so gaps are visible in tests.
export function t(key, params = {}) {
  const s = catalog[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));
}
