// pages/projects-new.js — an enterprise declares an upgrade project (POST /projects) or edits a draft or returned
// one (PUT /projects/{id}, opened from "my projects"): type, location, filing, schedule, investment, the equipment
// list, energy use after commissioning and land. Every field is checked here first, each error shown at its field
// and listed in a summary; an error the server still finds ("equipment[1].unit_price: ...") lands at its field too.
import { api } from '../api.js';
import { h } from '../dom.js';
import { keysOf, t } from '../i18n.js';
import { session } from '../session.js';
import { codeName, errorText } from '../ui.js';
import { TYPES, editing, opening } from './projects-common.js';

const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const DEC = /^\d{1,12}(\.\d{1,4})?$/;

// Yuan text as integer fen (BigInt), so sums are exact.
function fen(s) {
  const [i, f = ''] = s.split('.');
  return BigInt(i) * 100n + BigInt(f.padEnd(2, '0'));
}

function today() { return new Date().toISOString().slice(0, 10); }

// One labelled input with its error line; returns {wrap, input, err}.
function field(id, key, input, hintKey) {
  const err = h('p', { class: 'field-error error', id: `${id}-error`, hidden: true });
  input.id = id;
  input.setAttribute('aria-describedby', [hintKey ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, t(key)), input,
    hintKey ? h('p', { class: 'hint', id: `${id}-hint` }, t(hintKey)) : null, err);
  return { wrap, input, err, key };
}

function text(name, attrs = {}) { return h('input', { name, autocomplete: 'off', ...attrs }); }

function equipmentRow(n, e = {}) {
  const pre = `eq-${n}`;
  const f = {
    item: field(`${pre}-item`, 'proj.eq.item', text('item', { value: e.item || '', maxlength: '200' })),
    category: field(`${pre}-category`, 'proj.eq.category', text('category', { value: e.category || '', maxlength: '60' })),
    quantity: field(`${pre}-quantity`, 'proj.eq.quantity', text('quantity', { value: e.quantity ?? '', inputmode: 'numeric' })),
    unit_price: field(`${pre}-unit_price`, 'proj.eq.unit_price', text('unit_price', { value: e.unit_price ?? '', inputmode: 'decimal' })),
  };
  const imported = h('input', { type: 'checkbox', id: `${pre}-imported`, name: 'imported', checked: !!e.imported });
  const legend = h('legend', {});
  const remove = h('button', { type: 'button', class: 'secondary' });
  const fs = h('fieldset', { class: 'eq-row' }, legend, Object.values(f).map((x) => x.wrap),
    h('div', { class: 'check' }, imported, h('label', { for: `${pre}-imported` }, t('proj.eq.imported'))), remove);
  return { fs, f, imported, legend, remove };
}

export default {
  path: '#/projects/new',
  nav: 'nav.projects_new',
  roles: ['enterprise'],
  render({ signal }) {
    const old = editing.project; // set by "edit" on my projects; consumed once
    editing.project = null;
    const p = old || {};
    const cities = keysOf('city.');
    const F = {
      name: field('p-name', 'proj.name', text('name', { value: p.name || '', maxlength: '200', required: true })),
      type: field('p-type', 'proj.type', h('select', { name: 'type' }, TYPES.map((x) => h('option', { value: x, selected: x === p.type }, t(`proj.type.${x}`))))),
      city: field('p-city', 'proj.city', h('select', { name: 'city' }, h('option', { value: '' }, t('proj.choose')),
        cities.map((c) => h('option', { value: c, selected: c === p.city }, codeName('city', c))))),
      district: field('p-district', 'proj.district', text('district', { value: p.district || '', inputmode: 'numeric', maxlength: '6' }), 'proj.district_hint'),
      filing_code: field('p-filing_code', 'proj.filing_code', text('filing_code', { value: p.filing_code || '', maxlength: '60' }), 'proj.filing_code_hint'),
      filing_date: field('p-filing_date', 'proj.filing_date', h('input', { type: 'date', name: 'filing_date', value: p.filing_date || '' })),
      planned_start: field('p-planned_start', 'proj.planned_start', h('input', { type: 'date', name: 'planned_start', value: p.planned_start || '' })),
      planned_completion: field('p-planned_completion', 'proj.planned_completion', h('input', { type: 'date', name: 'planned_completion', value: p.planned_completion || '' })),
      total_investment: field('p-total_investment', 'proj.total_investment_yuan', text('total_investment', { value: p.total_investment || '', inputmode: 'decimal' }), 'proj.money_hint'),
      equipment_investment: field('p-equipment_investment', 'proj.equipment_investment_yuan', text('equipment_investment', { value: p.equipment_investment || '', inputmode: 'decimal' }), 'proj.equipment_investment_hint'),
      energy_tce: field('p-energy_tce', 'proj.energy_tce', text('energy_tce', { value: p.energy_tce ?? '0', inputmode: 'decimal' }), 'proj.energy_hint'),
      energy_kwh: field('p-energy_kwh', 'proj.energy_kwh', text('energy_kwh', { value: p.energy_kwh ?? '0', inputmode: 'decimal' })),
      land_mu: field('p-land_mu', 'proj.land_mu_field', text('land_mu', { value: p.land_mu ?? '0', inputmode: 'decimal' })),
    };
    const rows = [];
    const eqList = h('div', { id: 'eq-rows' });
    let serial = 0;
    const renumber = () => rows.forEach((r, i) => {
      r.legend.textContent = t('proj.eq.row', { n: i + 1 });
      r.remove.textContent = t('proj.eq.remove', { n: i + 1 });
    });
    const addRow = (e) => {
      const r = equipmentRow(serial++, e);
      r.remove.addEventListener('click', () => { rows.splice(rows.indexOf(r), 1); r.fs.remove(); renumber(); });
      rows.push(r);
      eqList.append(r.fs);
      renumber();
      return r;
    };
    (p.equipment || []).forEach((e) => addRow(e));
    const summary = h('div', { id: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
    const msg = h('p', { role: 'status', 'aria-live': 'polite', id: 'declare-msg' });

    const all = () => [...Object.values(F), ...rows.flatMap((r) => Object.values(r.f))];
    const clear = () => {
      all().forEach((x) => { x.err.hidden = true; x.err.textContent = ''; x.input.removeAttribute('aria-invalid'); });
      summary.hidden = true;
      summary.replaceChildren();
    };
    const fail = (x, key, params) => {
      if (!x.err.hidden) return;
      x.err.textContent = t(key, params);
      x.err.hidden = false;
      x.input.setAttribute('aria-invalid', 'true');
    };
    const showSummary = () => {
      const bad = all().filter((x) => !x.err.hidden);
      if (!bad.length) return false;
      summary.replaceChildren(h('p', {}, t('proj.form_errors', { n: bad.length })),
        h('ul', {}, bad.map((x) => h('li', {}, h('a', { href: `#${x.input.id}`, onclick: (ev) => { ev.preventDefault(); x.input.focus(); } },
          `${t(x.key)}: ${x.err.textContent}`)))));
      summary.hidden = false;
      summary.focus();
      return true;
    };

    // Every check the server makes that can be made here; each failing field gets its own message.
    const validate = () => {
      const v = (k) => F[k].input.value.trim();
      if (!v('name')) fail(F.name, 'proj.err.required');
      if (!v('city')) fail(F.city, 'proj.err.required');
      const d = v('district');
      if (!/^\d{6}$/.test(d)) fail(F.district, 'proj.err.code6');
      else if (v('city') && (d.slice(0, 4) !== v('city').slice(0, 4) || d === v('city'))) fail(F.district, 'proj.err.district');
      const fc = v('filing_code');
      if (!fc) fail(F.filing_code, 'proj.err.required');
      else if (!/^[A-Za-z0-9-]+$/.test(fc)) fail(F.filing_code, 'proj.err.filing_code');
      ['filing_date', 'planned_start', 'planned_completion'].forEach((k) => { if (!v(k)) fail(F[k], 'proj.err.required'); });
      if (v('filing_date') && v('filing_date') > today()) fail(F.filing_date, 'proj.err.future');
      if (v('filing_date') && v('planned_start') && v('planned_start') < v('filing_date')) fail(F.planned_start, 'proj.err.before_filing');
      if (v('planned_start') && v('planned_completion') && v('planned_completion') < v('planned_start')) fail(F.planned_completion, 'proj.err.before_start');
      ['total_investment', 'equipment_investment'].forEach((k) => { if (!MONEY.test(v(k))) fail(F[k], 'proj.err.money'); });
      if (MONEY.test(v('total_investment')) && fen(v('total_investment')) === 0n) fail(F.total_investment, 'proj.err.positive');
      ['energy_tce', 'energy_kwh', 'land_mu'].forEach((k) => { if (!DEC.test(v(k))) fail(F[k], 'proj.err.decimal'); });
      const okMoney = MONEY.test(v('total_investment')) && MONEY.test(v('equipment_investment'));
      if (okMoney && fen(v('equipment_investment')) > fen(v('total_investment'))) fail(F.equipment_investment, 'proj.err.over_total');
      let sum = 0n;
      let sumOk = true;
      rows.forEach((r) => {
        const rv = (k) => r.f[k].input.value.trim();
        if (!rv('item')) fail(r.f.item, 'proj.err.required');
        if (!rv('category')) fail(r.f.category, 'proj.err.required');
        const q = rv('quantity');
        if (!/^\d{1,7}$/.test(q) || Number(q) < 1 || Number(q) > 1000000) { fail(r.f.quantity, 'proj.err.quantity'); sumOk = false; }
        if (!MONEY.test(rv('unit_price'))) { fail(r.f.unit_price, 'proj.err.money'); sumOk = false; }
        if (sumOk) sum += BigInt(q) * fen(rv('unit_price'));
      });
      if (rows.length && sumOk && MONEY.test(v('equipment_investment')) && sum !== fen(v('equipment_investment'))) {
        fail(F.equipment_investment, 'proj.err.eq_sum', { sum: `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}` });
      }
    };

    const body = () => {
      const v = (k) => F[k].input.value.trim();
      return {
        uscc: session.me.scope, name: v('name'), type: v('type'), city: v('city'), district: v('district'),
        filing_code: v('filing_code'), filing_date: v('filing_date'), planned_start: v('planned_start'),
        planned_completion: v('planned_completion'), total_investment: v('total_investment'),
        equipment_investment: v('equipment_investment'), energy_tce: v('energy_tce'), energy_kwh: v('energy_kwh'),
        land_mu: v('land_mu'),
        equipment: rows.map((r) => ({ item: r.f.item.input.value.trim(), category: r.f.category.input.value.trim(),
          quantity: Number(r.f.quantity.input.value.trim()), unit_price: r.f.unit_price.input.value.trim(), imported: r.imported.checked })),
        attachments: p.attachments || [],
      };
    };

    // "equipment[1].unit_price: must be > 0" -> that field; anything else goes to the status line.
    const serverError = (e) => {
      const m = /^([a-z_]+)(?:\[(\d+)\]\.([a-z_]+))?: (.*)$/.exec(e.message || '');
      let x = null;
      if (m && m[2] !== undefined && rows[Number(m[2])]) x = rows[Number(m[2])].f[m[3]];
      else if (m && F[m[1]]) x = F[m[1]];
      if (e.status === 422 || e.status === 400) {
        if (x) { x.err.textContent = t('proj.err.server', { message: m[4] }); x.err.hidden = false; x.input.setAttribute('aria-invalid', 'true'); showSummary(); return; }
      }
      msg.className = 'error';
      msg.textContent = errorText(e);
    };

    const submit = h('button', { type: 'submit' }, t(old ? 'proj.save' : 'proj.declare'));
    const form = h('form', { class: 'stack wide', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      clear();
      msg.textContent = '';
      validate();
      if (showSummary()) return;
      submit.disabled = true;
      try {
        const saved = old ? await api('PUT', `/projects/${old.id}`, body(), { signal }) : await api('POST', '/projects', body(), { signal });
        opening.id = saved.id;
        opening.message = t(old ? 'proj.saved' : 'proj.declared', { name: saved.name, id: saved.id });
        location.hash = '#/projects';
      } catch (e) {
        if (e.name !== 'AbortError') serverError(e);
        submit.disabled = false;
      }
    } },
    summary,
    h('fieldset', {}, h('legend', {}, t('proj.section.basic')), F.name.wrap, F.type.wrap, F.city.wrap, F.district.wrap),
    h('fieldset', {}, h('legend', {}, t('proj.section.filing')), F.filing_code.wrap, F.filing_date.wrap, F.planned_start.wrap, F.planned_completion.wrap),
    h('fieldset', {}, h('legend', {}, t('proj.section.investment')), F.total_investment.wrap, F.equipment_investment.wrap),
    h('fieldset', {}, h('legend', {}, t('proj.equipment')), h('p', { class: 'hint' }, t('proj.eq.hint')), eqList,
      h('button', { type: 'button', class: 'secondary', id: 'eq-add', onclick: () => addRow().f.item.input.focus() }, t('proj.eq.add'))),
    h('fieldset', {}, h('legend', {}, t('proj.section.energy_land')), F.energy_tce.wrap, F.energy_kwh.wrap, F.land_mu.wrap),
    submit, msg);
    return h('section', {}, h('h1', {}, t(old ? 'proj.edit_title' : 'proj.new_title', { name: p.name || '' })),
      h('p', { class: 'muted' }, t('proj.new_lead', { uscc: session.me.scope })), form);
  },
};
