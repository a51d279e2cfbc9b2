// gonghui 达标创建: the progress chart and the grade pie of a campaign page (from the JSON
// block <script type="application/json" id="campaign-data">, with the vendored ECharts), and
// the 全选/全不选 buttons of the 公示 form. No inline script or style (CSP); every page works
// without this file.
(function () {
  'use strict';
  var COLORS = ['#9aa4af', '#ef6c00', '#1565c0', '#2e7d32', '#b71c1c'];
  var GRADE_COLORS = { '一类': '#2e7d32', '二类': '#1565c0', '三类': '#ef6c00', '三类以下': '#b71c1c', '达标': '#2e7d32', '不达标': '#b71c1c' };

  function data() {
    var el = document.getElementById('campaign-data');
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: 'canvas' });
    option.textStyle = { fontFamily: 'Noto Sans CJK SC, Microsoft YaHei, sans-serif' };
    option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
    option.animation = false;
    c.setOption(option);
    window.addEventListener('resize', function () { c.resize(); });
    return c;
  }

  function progress(d) {
    if (!d.names || !d.names.length) return;
    var el = document.getElementById('chart-progress');
    if (!el) return;
    // One row per child, tall enough to read every name (CSSOM, allowed by the CSP).
    el.style.height = Math.max(240, d.names.length * 26 + 70) + 'px';
    var c = chart('chart-progress', {
      color: COLORS,
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      yAxis: { type: 'category', data: d.names, inverse: true, axisLabel: { interval: 0, fontSize: 12 } },
      xAxis: { type: 'value', name: '工会数', minInterval: 1 },
      series: d.series.map(function (s) {
        return { name: s.name, type: 'bar', stack: 'all', data: s.data, barMaxWidth: 18 };
      })
    });
    if (c) {
      c.on('click', function (p) {
        var href = d.links[p.dataIndex];
        if (href) window.location.href = href;
      });
    }
  }

  function grades(d) {
    if (!d.grades || !d.grades.length) {
      var el = document.getElementById('chart-grades');
      if (el) el.textContent = '还没有完成验收的工会。';
      return;
    }
    chart('chart-grades', {
      tooltip: { trigger: 'item', formatter: '{b}：{c}家（{d}%）' },
      legend: { bottom: 0 },
      series: [{
        type: 'pie', radius: ['35%', '65%'],
        data: d.grades.map(function (g) {
          return { name: g.name, value: g.value, itemStyle: { color: GRADE_COLORS[g.name] } };
        }),
        label: { formatter: '{b} {c}家' }
      }]
    });
  }

  function selectButtons() {
    var buttons = document.querySelectorAll('button[data-select]');
    Array.prototype.forEach.call(buttons, function (b) {
      b.addEventListener('click', function () {
        var on = b.getAttribute('data-checked') === 'true';
        var boxes = document.querySelectorAll('input[type=checkbox][name="' + b.getAttribute('data-select') + '"]');
        Array.prototype.forEach.call(boxes, function (x) { x.checked = on; });
      });
    });
  }

  function start() {
    selectButtons();
    var d = data();
    if (!d) return;
    progress(d);
    grades(d);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
