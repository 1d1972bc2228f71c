// pages/polform.js — officials write a policy: the one-file policy JSON (docs/policies.md) as a form, the rule in
// the readable syntax with live validation and the live match count (rulelive.js), rule tests as JSON. Saving
// creates a draft (POST /policies) or replaces the draft / stages a revision (PUT /policies/{id}); the policy's
// page then offers the impact preview and publish.
import { api, isAbort } from '../api.js';
import { fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { CATEGORIES, MODES, categoryLabel, cityCodes, modeLabel } from '../policyfmt.js';
import { liveRule } from '../rulelive.js';
import { session } from '../session.js';
import { enumLabel, errorBox, errorText, field, loading, note, select } from '../ui.js';

const OFFICIALS = ['city_official', 'provincial_official'];
const PROVINCE = '440000';

const input = (attrs = {}) => h('input', { type: 'text', autocomplete: 'off', ...attrs });
const area = (rows, attrs = {}) => h('textarea', { rows: String(rows), ...attrs });

// The form over doc (an existing policy, or null for a new one); save(body) returns the policy id.
function policyForm(doc, signal, save) {
  const d = doc || {};
  const f = {
    code: input({ required: true, pattern: '[a-z0-9._\\-]{1,64}', disabled: doc ? true : null, class: 'mono' }),
    title_zh: input({ required: true }), title_en: input({ required: true, lang: 'en' }),
    summary_zh: area(2), summary_en: area(2, { lang: 'en' }),
    department: input({ required: true }), doc_number: input({ required: true }),
    category: select(CATEGORIES, categoryLabel), mode: select(MODES, modeLabel),
    city: select([PROVINCE, ...cityCodes()], (c) => (c === PROVINCE ? t('editor.province') : enumLabel('city', c))),
    valid_from: input({ type: 'date', required: true }), valid_to: input({ type: 'date' }),
    apply_from: input({ type: 'date' }), apply_to: input({ type: 'date' }),
    keywords: input(), cap_yuan: input({ type: 'number', min: '0', step: '0.01', inputmode: 'decimal' }),
    full_text: area(4),
    rule_text: area(6, { spellcheck: 'false', autocapitalize: 'off', required: true, class: 'code' }),
    benefit_text: area(2, { spellcheck: 'false', autocapitalize: 'off', class: 'code' }),
    tests: area(6, { spellcheck: 'false', class: 'code' }),
  };
  f.code.value = d.code || '';
  f.title_zh.value = (d.title && d.title.zh) || '';
  f.title_en.value = (d.title && d.title.en) || '';
  f.summary_zh.value = (d.summary && d.summary.zh) || '';
  f.summary_en.value = (d.summary && d.summary.en) || '';
  for (const k of ['department', 'doc_number', 'valid_from', 'valid_to', 'apply_from', 'apply_to', 'full_text', 'rule_text', 'benefit_text']) f[k].value = d[k] || '';
  f.category.value = d.category || CATEGORIES[0];
  f.mode.value = d.mode || 'apply';
  f.city.value = (d.cities && d.cities[0]) || (session.me.role === 'city_official' ? session.me.scope : PROVINCE);
  f.keywords.value = (d.keywords || []).join(' ');
  f.cap_yuan.value = d.cap_fen ? String(d.cap_fen / 100) : '';
  f.tests.value = d.tests && d.tests.length ? JSON.stringify(d.tests, null, 2) : '';
  if (!doc) f.valid_from.value = new Date().toISOString().slice(0, 10);
  f.rule_text.id = 'rule-text';
  f.rule_text.setAttribute('aria-describedby', 'rule-text-hint rule-status');
  const live = liveRule({ text: f.rule_text, signal });
  live.run();
  const msg = h('div', { id: 'form-msg', 'aria-live': 'polite' });

  // The policy JSON of the form; fields of the loaded policy that the form does not show are kept.
  function body() {
    const out = {};
    for (const k of ['groups', 'effective_from', 'benefit']) if (d[k] !== undefined) out[k] = d[k];
    Object.assign(out, {
      code: f.code.value.trim(),
      title: { zh: f.title_zh.value.trim(), en: f.title_en.value.trim() },
      department: f.department.value.trim(), doc_number: f.doc_number.value.trim(),
      category: f.category.value, mode: f.mode.value, valid_from: f.valid_from.value,
      cities: [f.city.value], rule_text: f.rule_text.value,
    });
    if (f.summary_zh.value.trim() || f.summary_en.value.trim()) out.summary = { zh: f.summary_zh.value.trim(), en: f.summary_en.value.trim() };
    for (const k of ['valid_to', 'apply_from', 'apply_to']) if (f[k].value) out[k] = f[k].value;
    if (f.full_text.value.trim()) out.full_text = f.full_text.value;
    const kw = f.keywords.value.split(/[\s,，、]+/).filter(Boolean);
    if (kw.length) out.keywords = kw;
    if (f.cap_yuan.value) out.cap_fen = Math.round(Number(f.cap_yuan.value) * 100);
    if (f.benefit_text.value.trim()) { delete out.benefit; out.benefit_text = f.benefit_text.value; }
    if (f.tests.value.trim()) out.tests = JSON.parse(f.tests.value); // a SyntaxError is shown by submit
    return out;
  }

  const submit = h('button', { type: 'submit', id: 'save-btn' }, t('polform.save'));
  const form = h('form', { class: 'policy-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    if (!form.checkValidity()) {
      const bad = form.querySelector(':invalid');
      note(msg, 'error', t('polform.required', { field: bad && bad.labels && bad.labels[0] ? bad.labels[0].textContent : '' }));
      if (bad) bad.focus();
      return;
    }
    let b;
    try { b = body(); } catch (e) {
      note(msg, 'error', t('polform.tests_json', { message: e.message }));
      f.tests.focus();
      return;
    }
    submit.disabled = true;
    try {
      const id = await save(b);
      location.hash = `#/policy/${id}`;
    } catch (e) {
      if (!isAbort(e)) note(msg, 'error', errorText(e));
    } finally {
      submit.disabled = false;
    }
  } },
  h('fieldset', {}, h('legend', {}, t('polform.basics')),
    h('div', { class: 'form-grid' },
      field('p-code', 'polform.code', f.code, 'polform.code_hint'),
      field('p-doc', 'policy.doc_number', f.doc_number),
      field('p-title-zh', 'polform.title_zh', f.title_zh), field('p-title-en', 'polform.title_en', f.title_en),
      field('p-summary-zh', 'polform.summary_zh', f.summary_zh), field('p-summary-en', 'polform.summary_en', f.summary_en),
      field('p-department', 'policy.department', f.department), field('p-category', 'policy.category', f.category),
      field('p-mode', 'policy.mode', f.mode), field('p-city', 'polform.city', f.city),
      field('p-keywords', 'policy.keywords', f.keywords, 'polform.keywords_hint'),
      field('p-cap', 'polform.cap', f.cap_yuan))),
  h('fieldset', {}, h('legend', {}, t('polform.dates')),
    h('div', { class: 'form-grid' },
      field('p-valid-from', 'polform.valid_from', f.valid_from), field('p-valid-to', 'polform.valid_to', f.valid_to),
      field('p-apply-from', 'polform.apply_from', f.apply_from), field('p-apply-to', 'polform.apply_to', f.apply_to))),
  h('fieldset', { class: 'editor' }, h('legend', {}, t('policy.rule')),
    h('label', { for: 'rule-text' }, t('editor.rule')),
    h('p', { id: 'rule-text-hint', class: 'hint' }, t('editor.hint')),
    f.rule_text, live.status, live.count, live.charts,
    field('p-benefit', 'polform.benefit', f.benefit_text, 'polform.benefit_hint')),
  h('details', { class: 'panel' }, h('summary', {}, t('polform.more')),
    field('p-full-text', 'policy.full_text', f.full_text),
    field('p-tests', 'polform.tests', f.tests, 'polform.tests_hint')),
  msg, h('div', { class: 'row' }, submit));
  return form;
}

export const policyNew = {
  path: '#/policy/new',
  nav: 'nav.policy_new',
  roles: OFFICIALS,
  render({ signal }) {
    const save = async (b) => (await api('POST', '/policies', b, { signal })).id;
    return h('section', {}, h('h1', {}, t('polform.new_title')), policyForm(null, signal, save));
  },
};

export const policyEdit = {
  pattern: /^#\/policy\/(\d+)\/edit$/,
  roles: OFFICIALS,
  render({ signal, params }) {
    const id = params[0];
    const root = h('section', {}, h('h1', {}, t('polform.edit_title')), loading());
    api('GET', `/policies/${id}`, undefined, { signal }).then((doc) => {
      const save = async (b) => { await api('PUT', `/policies/${id}`, b, { signal }); return id; };
      fill(root, h('h1', {}, t('polform.edit_title')),
        ['published', 'revised'].includes(doc.status) ? h('p', { class: 'warn' }, t('polform.revision_note')) : null,
        policyForm(doc, signal, save));
    }).catch((e) => { if (!isAbort(e)) root.replaceChildren(h('h1', {}, t('polform.edit_title')), errorBox(e)); });
    return root;
  },
};
