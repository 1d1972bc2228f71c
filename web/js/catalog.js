// catalog.js — the attribute catalog (GET /api/v1/catalog), fetched once per page load: labels and units of the
// enterprise attributes and tags in the current language. Missing entries fall back to the attribute's name.
import { api } from './api.js';
import { currentLang } from './i18n.js';

let cached = null;

export function loadCatalog() {
  if (!cached) cached = api('GET', '/catalog').catch((e) => { cached = null; throw e; });
  return cached;
}

function byName(list) {
  const m = new Map();
  for (const x of list || []) m.set(x.name, x);
  return m;
}

function pick(x, field) {
  if (!x) return '';
  const en = currentLang() === 'en';
  const v = x[field];
  if (v && typeof v === 'object') return (en ? v.en : v.zh ?? v['zh-CN']) || '';
  return (en ? x[`${field}_en`] : x[`${field}_zh`]) || '';
}

// A view of the catalog in the current language: label(name), unit(name), tag(name).
export function catalogView(cat) {
  const attrs = byName(cat && cat.attributes);
  const tags = byName(cat && cat.tags);
  return {
    label: (name) => pick(attrs.get(name), 'label') || name,
    unit: (name) => pick(attrs.get(name), 'unit'),
    tag: (name) => pick(tags.get(name), 'label') || name,
    attributes: [...attrs.keys()],
  };
}
