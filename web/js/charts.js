// charts.js — bar and funnel charts with ECharts (web/vendor, copied from npm by `make web-deps`; loaded on first use).
// Each chart sits in a figure with a role="img" label summarising it and a data table for screen readers and
// for anyone who wants the numbers; the canvas itself is decoration over that.
import { h } from './dom.js';
import { currentLang, t } from './i18n.js';
import { fmt, table } from './ui.js';

let lib = null;
function echarts() {
  if (!lib) lib = import('/vendor/echarts.esm.min.mjs');
  return lib;
}

const ACCENT = '#0b5394';

// A chart in its figure: {el, update(items), dispose()}. items = [{label, count}]; option(items) is the ECharts
// option; summary(items) the role="img" label after the title; groupKey names the data table's first column.
function chartSlot(id, titleKey, groupKey, option, summary) {
  const canvas = h('div', { class: 'chart', id: `${id}-canvas`, role: 'img', 'aria-label': t(titleKey) });
  const data = h('details', { class: 'chart-data' }, h('summary', {}, t('charts.show_data')));
  const fig = h('figure', { class: 'chart-box', id }, h('figcaption', {}, t(titleKey)), canvas, data);
  let chart = null;
  let disposed = false;
  const onResize = () => chart && chart.resize();
  window.addEventListener('resize', onResize);
  return {
    el: fig,
    async update(items) {
      canvas.setAttribute('aria-label', `${t(titleKey)}: ${summary(items)}`);
      data.replaceChildren(h('summary', {}, t('charts.show_data')),
        table(t(titleKey), [{ key: 'label', label: t(groupKey) }, { key: 'count', label: t('charts.count') }], items));
      const ec = await echarts();
      if (disposed) return;
      if (!chart) chart = ec.init(canvas, null, { renderer: 'canvas', locale: currentLang() === 'en' ? 'EN' : 'ZH' });
      chart.setOption(option(items), true);
    },
    dispose() {
      disposed = true;
      window.removeEventListener('resize', onResize);
      if (chart) chart.dispose();
      chart = null;
    },
  };
}

const words = (items) => items.map((x) => `${x.label} ${fmt(x.count)}`);

// A horizontal bar chart of the 12 largest groups, largest at the top; items largest first.
export function barChart(id, titleKey) {
  return chartSlot(id, titleKey, 'charts.group', (items) => {
    const rev = items.slice(0, 12).reverse();
    return {
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { color: '#333' } },
      yAxis: { type: 'category', data: rev.map((x) => x.label), axisLabel: { color: '#1a1a1a', width: 120, overflow: 'truncate' } },
      series: [{ type: 'bar', barMaxWidth: 28, data: rev.map((x) => x.count), itemStyle: { color: ACCENT }, label: { show: true, position: 'right', color: '#1a1a1a' } }],
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    };
  }, (items) => words(items.slice(0, 5)).join(', '));
}

// A funnel of stages in order (matched → delivered → read → applied).
export function funnelChart(id, titleKey) {
  return chartSlot(id, titleKey, 'charts.stage', (stages) => ({
    animation: false,
    tooltip: { trigger: 'item' },
    series: [{
      type: 'funnel', sort: 'none', min: 0, max: Math.max(1, ...stages.map((x) => x.count)), left: 8, right: 8, top: 8, bottom: 8,
      minSize: '35%', gap: 2, label: { show: true, position: 'inside', color: '#ffffff', formatter: (p) => `${p.name} ${fmt(p.value)}` },
      itemStyle: { color: ACCENT, borderColor: '#ffffff' },
      data: stages.map((x) => ({ name: x.label, value: x.count })),
    }],
  }), (stages) => words(stages).join(' → '));
}
