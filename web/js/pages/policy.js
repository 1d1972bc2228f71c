// pages/policy.js — one policy (GET /api/v1/policies/{id}, public once published): its facts, its rule as plain
// sentences in the current language, its full text. Officials also manage it here: edit, the impact preview
// (POST /preview: counts, the estimated budget with its basis and charts by city, division and size), publish (a refusal shows
// the failing rule tests), withdraw, and once published the campaign funnel (GET /funnel: matched → delivered →
// read → applied) and, for 免申即享 policies, a link to its grant lists.
import { api, isAbort } from '../api.js';
import { funnelChart } from '../charts.js';
import { fill, h } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { categoryLabel, modeLabel, openBadge, span, statusLabel, titleText } from '../policyfmt.js';
import { impactCharts } from '../rulelive.js';
import { hasRole } from '../session.js';
import { enumLabel, errorBox, errorText, fmt, fmtTime, loading, localized, note, yuan } from '../ui.js';

function facts(p) {
  const rows = [
    ['policy.department', p.department], ['policy.doc_number', p.doc_number], ['policy.category', categoryLabel(p.category)],
    ['policy.mode', modeLabel(p.mode)], ['policy.status', statusLabel(p.status)], ['policy.version', p.version],
    ['policy.validity', span(p.valid_from, p.valid_to)], ['policy.window', span(p.apply_from, p.apply_to)],
    ['policy.cap', p.cap_fen ? yuan(p.cap_fen) : null], ['policy.keywords', (p.keywords || []).join(t('common.list_sep')) || null],
  ];
  return h('dl', { class: 'facts', id: 'policy-facts' }, rows.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, String(v))]));
}

function sentences(p) {
  const s = p.rule_sentences || {};
  const lines = s[currentLang() === 'en' ? 'en' : 'zh'] || [];
  return h('section', { 'aria-labelledby': 'rule-h' }, h('h2', { id: 'rule-h' }, t('policy.rule')),
    lines.length ? h('ul', { class: 'sentences', id: 'rule-sentences' }, lines.map((l) => h('li', {}, l)))
      : h('p', { class: 'muted' }, t('policy.no_sentences')),
    p.rule_text ? h('details', {}, h('summary', {}, t('policy.rule_text')), h('pre', { class: 'rule-src' }, p.rule_text)) : null);
}

// The estimated total benefit and how it was reached: the formula summed over the eligible enterprises, or (the
// formula needs project data) the bound eligible x per-enterprise cap; otherwise why there is none.
function budgetLine(r) {
  const basis = r.estimated_benefit_basis;
  const amount = yuan(r.estimated_benefit_fen);
  const text = basis === 'formula'
    ? t('policy.budget_formula', { amount, counted: fmt(r.estimated_benefit_counted), missing: fmt(r.estimated_benefit_missing) })
    : basis === 'cap_bound' ? t('policy.budget_cap_bound', { amount, count: fmt(r.eligible) }) : t('policy.budget_unknown');
  return h('p', { class: 'benefit', id: 'preview-budget', 'data-basis': basis || 'none' }, text);
}

// The impact preview: counts, the budget, the three charts.
function previewPanel(p, signal, onChange) {
  const out = h('div', { id: 'preview-result', 'aria-live': 'polite' });
  const charts = impactCharts('preview');
  signal.addEventListener('abort', () => charts.dispose());
  const btn = h('button', { type: 'button', id: 'preview-btn', onclick: async () => {
    btn.disabled = true;
    note(out, 'muted', t('common.loading'));
    try {
      const r = await api('POST', `/policies/${p.id}/preview`, undefined, { signal });
      out.replaceChildren(
        h('p', { class: 'big', id: 'preview-count' }, t('policy.preview_count', { count: fmt(r.eligible) })),
        h('p', { class: 'muted' }, t('editor.count_more', { near: fmt(r.near_miss), unknown: fmt(r.unknown) })),
        budgetLine(r));
      const b = r.breakdown || {};
      charts.show(b.eligible || b);
      onChange();
    } catch (e) {
      if (!isAbort(e)) note(out, 'error', errorText(e));
    } finally {
      btn.disabled = false;
    }
  } }, t('policy.preview'));
  return h('section', { class: 'panel', 'aria-labelledby': 'preview-h' }, h('h2', { id: 'preview-h' }, t('policy.preview_title')),
    h('p', { class: 'hint' }, t('policy.preview_hint')), btn, out, charts.el);
}

// Publish and withdraw. A refused publish shows the server's message: the failing rule tests, one per line.
// reload(flash) redraws the page with flash as this panel's message.
function lifecyclePanel(p, signal, reload, flash) {
  const out = h('div', { id: 'publish-result', 'aria-live': 'polite' });
  if (flash) note(out, 'ok', flash);
  // A published policy is published again only to put a staged revision (an unpublished version) in force.
  const canPublish = ['draft', 'preview'].includes(p.status);
  const canWithdraw = ['draft', 'preview', 'published', 'revised'].includes(p.status);
  const publish = h('button', { type: 'button', id: 'publish-btn', onclick: async () => {
    publish.disabled = true;
    try {
      if (p.status === 'draft') await api('POST', `/policies/${p.id}/preview`, undefined, { signal });
      const r = await api('POST', `/policies/${p.id}/publish`, undefined, { signal });
      reload(t('policy.published', { recipients: fmt(r.recipients) }));
    } catch (e) {
      if (isAbort(e)) return;
      const lines = String(e.message || '').split('\n').filter(Boolean);
      out.replaceChildren(h('div', { role: 'alert', class: 'refused', id: 'publish-refused' },
        h('p', { class: 'error' }, e.status === 422 ? t('policy.publish_refused') : errorText(e)),
        e.status === 422 ? h('ul', { class: 'error' }, lines.map((l) => h('li', {}, l))) : null));
      publish.disabled = false;
    }
  } }, t('policy.publish'));
  const confirm = h('button', { type: 'button', class: 'danger', id: 'withdraw-confirm', hidden: true, onclick: async () => {
    try {
      await api('POST', `/policies/${p.id}/withdraw`, undefined, { signal });
      reload(t('policy.withdrawn'));
    } catch (e) {
      if (!isAbort(e)) note(out, 'error', errorText(e));
    }
  } }, t('policy.withdraw_confirm'));
  const withdraw = h('button', { type: 'button', class: 'secondary', id: 'withdraw-btn', onclick: () => { confirm.hidden = false; confirm.focus(); } },
    t('policy.withdraw'));
  publish.hidden = !canPublish;
  if (!canPublish && ['published', 'revised'].includes(p.status)) {
    api('GET', `/policies/${p.id}/versions`, undefined, { signal }).then((res) => {
      const staged = (res.items || []).filter((v) => !v.published).pop();
      if (!staged) return;
      publish.textContent = t('policy.publish_revision', { version: staged.version });
      publish.hidden = false;
    }).catch((e) => { if (!isAbort(e)) note(out, 'error', errorText(e)); });
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'life-h' }, h('h2', { id: 'life-h' }, t('policy.lifecycle')),
    h('div', { class: 'row' },
      ['draft', 'preview', 'published', 'revised'].includes(p.status) ? h('a', { class: 'button-link', href: `#/policy/${p.id}/edit` }, t('policy.edit')) : null,
      publish, canWithdraw ? withdraw : null, confirm,
      p.mode === 'no_application' && p.status !== 'draft' && p.status !== 'preview' ? h('a', { class: 'button-link', href: `#/grants/${p.id}` }, t('policy.grants')) : null),
    out);
}

// The campaign funnel, totals over the policy's campaigns, and one row per campaign.
function funnelPanel(p, signal) {
  const chart = funnelChart('funnel', 'policy.funnel');
  signal.addEventListener('abort', () => chart.dispose());
  const body = h('div', { id: 'funnel-table' }, loading());
  api('GET', `/policies/${p.id}/funnel`, undefined, { signal }).then((f) => {
    const tot = f.totals || {};
    const d = tot.delivered || {};
    chart.update([
      { label: t('funnel.matched'), count: tot.matched || 0 },
      { label: t('funnel.delivered'), count: tot.matched || 0 },
      { label: t('funnel.read'), count: tot.read || 0 },
      { label: t('funnel.applied'), count: tot.applied || 0 },
    ]);
    body.replaceChildren(h('p', { class: 'muted' }, t('funnel.channels', { webhook: fmt(d.webhook || 0), email: fmt(d.email || 0), dismissed: fmt(tot.dismissed || 0) })),
      h('ul', { class: 'plain' }, (f.campaigns || []).map((c) => h('li', {},
        t('funnel.campaign', { kind: enumLabel('inbox.kind', c.kind), version: c.version, at: fmtTime(c.created_at), matched: fmt(c.matched), read: fmt(c.read) })))));
  }).catch((e) => { if (!isAbort(e)) body.replaceChildren(errorBox(e)); });
  return h('section', { class: 'panel', 'aria-labelledby': 'funnel-h' }, h('h2', { id: 'funnel-h' }, t('policy.funnel_title')), chart.el, body);
}

export default {
  pattern: /^#\/policy\/(\d+)$/,
  public: true,
  render({ signal, params }) {
    const id = params[0];
    const root = h('section', { class: 'policy-page' }, h('h1', {}, t('policy.page')), loading());
    const official = hasRole('city_official', 'provincial_official');
    const show = async (flash = null) => {
      try {
        const p = await api('GET', `/policies/${id}`, undefined, { signal });
        const published = ['published', 'revised', 'withdrawn', 'expired'].includes(p.status);
        fill(root,
          h('p', {}, h('a', { href: '#/policies' }, `← ${t('policies.title')}`)),
          h('h1', { id: 'policy-title' }, titleText(p)),
          h('p', { class: 'row tags' }, openBadge(p)),
          localized(p.summary) ? h('p', { class: 'lead' }, localized(p.summary)) : null,
          facts(p), sentences(p),
          p.full_text ? h('details', {}, h('summary', {}, t('policy.full_text')), h('div', { class: 'full-text' }, p.full_text)) : null,
          official ? lifecyclePanel(p, signal, show, flash) : null,
          official && (p.status === 'draft' || p.status === 'preview') ? previewPanel(p, signal, () => {}) : null,
          official && published ? funnelPanel(p, signal) : null);
        document.title = `${root.querySelector('h1').textContent} · ${t('app.name')}`;
      } catch (e) {
        if (!isAbort(e)) root.replaceChildren(h('h1', {}, t('policy.page')), errorBox(e));
      }
    };
    show();
    return root;
  },
};
