// charts.js — bar charts with ECharts (web/vendor, copied from npm by `make web-deps`; loaded on first use).
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

// A chart slot: {el, update(items), dispose()}; items = [{label, count}], largest first.
export function barChart(id, titleKey) {
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
      const top = items.slice(0, 12);
      canvas.setAttribute('aria-label', `${t(titleKey)}: ${top.slice(0, 5).map((x) => `${x.label} ${fmt(x.count)}`).join(', ')}`);
      data.replaceChildren(h('summary', {}, t('charts.show_data')),
        table(t(titleKey), [{ key: 'label', label: t('charts.group') }, { key: 'count', label: t('charts.count') }], items));
      const ec = await echarts();
      if (disposed) return;
      if (!chart) chart = ec.init(canvas, null, { renderer: 'canvas', locale: currentLang() === 'en' ? 'EN' : 'ZH' });
      const rev = [...top].reverse(); // largest at the top of a horizontal bar chart
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', axisLabel: { color: '#333' } },
        yAxis: { type: 'category', data: rev.map((x) => x.label), axisLabel: { color: '#1a1a1a', width: 120, overflow: 'truncate' } },
        series: [{ type: 'bar', data: rev.map((x) => x.count), itemStyle: { color: ACCENT }, label: { show: true, position: 'right', color: '#1a1a1a' } }],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      }, true);
    },
    dispose() {
      disposed = true;
      window.removeEventListener('resize', onResize);
      if (chart) chart.dispose();
      chart = null;
    },
  };
}
