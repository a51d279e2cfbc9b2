// gonghui 统计驾驶舱: draws the charts from the JSON block the page carries
// (<script type="application/json" id="dashboard-data">), with the vendored ECharts. No inline
// script, no inline style: tooltips are drawn on the canvas (renderMode richText), so the
// page's Content-Security-Policy needs no exception. The page is complete without this file.
(function () {
  'use strict';
  var COLORS = ['#b71c1c', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#827717'];

  function data() {
    var el = document.getElementById('dashboard-data');
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: 'canvas' });
    option.color = option.color || COLORS;
    option.textStyle = { fontFamily: 'Noto Sans CJK SC, Microsoft YaHei, sans-serif' };
    option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
    option.animation = false;
    c.setOption(option);
    window.addEventListener('resize', function () { c.resize(); });
    return c;
  }

  function coverage(d) {
    var cv = d.coverage;
    if (!cv || !cv.names.length) return;
    var el = document.getElementById('chart-coverage');
    if (!el) return;
    // One row per child, tall enough to read every name (CSSOM, allowed by the CSP).
    el.style.height = Math.max(260, cv.names.length * 26 + 70) + 'px';
    var c = chart('chart-coverage', {
      legend: { data: ['已建会单位', '未建会单位', '企业建会率'], top: 0 },
      grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      yAxis: { type: 'category', data: cv.names, inverse: true, axisLabel: { interval: 0, fontSize: 12 } },
      xAxis: [
        { type: 'value', name: '单位数', minInterval: 1, position: 'bottom' },
        { type: 'value', name: '建会率', min: 0, max: 100, position: 'top', axisLabel: { formatter: '{value}%' }, splitLine: { show: false } }
      ],
      series: [
        { name: '已建会单位', type: 'bar', stack: 'units', data: cv.covered, barMaxWidth: 18 },
        { name: '未建会单位', type: 'bar', stack: 'units', data: cv.uncovered, barMaxWidth: 18, itemStyle: { color: '#9aa4af' } },
        { name: '企业建会率', type: 'scatter', xAxisIndex: 1, data: cv.rate, symbol: 'diamond', symbolSize: 10, itemStyle: { color: '#1565c0' } }
      ]
    });
    if (c) {
      c.on('click', function (p) {
        var href = cv.links[p.dataIndex];
        if (href) window.location.href = href;
      });
    }
  }

  function years(d) {
    var y = d.years;
    if (!y || !y.years.length) return;
    chart('chart-years', {
      legend: { data: ['当年入会', '累计在籍会员'], top: 0 },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: y.years },
      yAxis: [
        { type: 'value', name: '当年入会', minInterval: 1 },
        { type: 'value', name: '累计', minInterval: 1 }
      ],
      series: [
        { name: '当年入会', type: 'bar', data: y.joined },
        { name: '累计在籍会员', type: 'line', yAxisIndex: 1, data: y.total, symbolSize: 5, itemStyle: { color: '#1565c0' } }
      ]
    });
  }

  function kinds(d) {
    if (!d.kinds) return;
    chart('chart-kinds', {
      tooltip: { trigger: 'item', formatter: '{b}：{c}个（{d}%）' },
      legend: { bottom: 0, left: 'center', itemGap: 12 },
      series: [{
        type: 'pie',
        radius: ['30%', '58%'],
        center: ['50%', '44%'],
        minShowLabelAngle: 6,
        data: d.kinds.length ? d.kinds : [{ name: '没有基层工会', value: 0 }],
        label: { position: 'inside', formatter: '{c}', color: '#fff', fontWeight: 'bold' }
      }]
    });
  }

  function members(d) {
    var m = d.members;
    if (!m) return;
    var share = m.values.map(function (v) {
      return m.members > 0 ? Math.round(v * 1000 / m.members) / 10 : 0;
    });
    chart('chart-members', {
      grid: { left: 8, right: 130, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: m.names, inverse: true },
      series: [{
        name: '会员数',
        type: 'bar',
        data: m.values,
        label: {
          show: true,
          position: 'right',
          formatter: function (p) { return p.value + '人（占会员' + share[p.dataIndex] + '%）'; }
        }
      }]
    });
  }

  function draw() {
    var d = data();
    if (!d) return;
    coverage(d);
    years(d);
    kinds(d);
    members(d);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
