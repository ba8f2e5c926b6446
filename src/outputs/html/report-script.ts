/**
 * The script of the HTML report page, inlined after uPlot: it reads the
 * embedded chart data (`#report-data`, see report-data.ts) and draws each
 * chart into its element. It computes nothing but axis labels and sizes.
 * Charts follow their container's width, and are redrawn at a printable width
 * while printing so none is cut at the page edge. `window.pacsLoadReport`
 * lists the drawn charts, for the browser test and for anyone debugging.
 *
 * Plain ES2017 as text (the page has no build step); it must never contain
 * the characters that would close its script element.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var COLORS = ['#1f5fbf', '#e07b00', '#c0262d', '#2a8f3c', '#7a4fb3', '#8c564b', '#d04fa0', '#5f6b73', '#1b9aaa', '#a6761d'];
  var RESPONSE_COLORS = { p50: '#1f5fbf', p95: '#e07b00', p99: '#c0262d' };
  var CHART_HEIGHT = 240;
  /** About the width of an A4 or Letter page's text at 96 dpi. */
  var PRINT_WIDTH = 640;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var drawn = [];

  function formatNumber(value) {
    if (value === null || value === undefined || !isFinite(value)) return '-';
    var magnitude = Math.abs(value);
    if (magnitude === 0) return '0';
    if (magnitude >= 100) return String(Math.round(value));
    if (magnitude >= 10) return String(Math.round(value * 10) / 10);
    if (magnitude >= 1) return String(Math.round(value * 100) / 100);
    return String(Number(value.toPrecision(3)));
  }

  /** 0 nines: 0%, 1: 90%, 2: 99%, 3: 99.9%, 4: 99.99%; between them one more decimal than the nines before. */
  function percentileLabel(nines) {
    var percentile = 100 * (1 - Math.pow(10, -nines));
    var decimals = Math.max(0, Math.ceil(nines - 1e-9) - 2);
    return String(Number(percentile.toFixed(decimals))) + '%';
  }

  function fromZero(u, min, max) {
    return [0, max > 0 ? max * 1.08 : 1];
  }

  function widthOf(element) {
    return Math.max(Math.floor(element.clientWidth), 280);
  }

  function options(chart, element) {
    var distribution = chart.kind === 'distribution';
    var series = [{
      label: distribution ? 'percentile' : 'elapsed',
      value: function (u, v) { return v === null || v === undefined ? '-' : distribution ? percentileLabel(v) : formatNumber(v) + ' s'; }
    }];
    chart.series.forEach(function (line, index) {
      series.push({
        label: line.label,
        stroke: (chart.kind === 'response-over-time' && RESPONSE_COLORS[line.label]) || COLORS[index % COLORS.length],
        width: 2,
        points: { show: chart.x.length < 3 },
        value: function (u, v) { return v === null || v === undefined ? '-' : formatNumber(v) + ' ' + chart.yUnit; }
      });
    });
    var xAxis = { label: distribution ? 'percentile (log scale)' : 'elapsed (s)', labelSize: 20 };
    if (distribution) {
      xAxis.splits = function () { return [0, 1, 2, 3, 4]; };
      xAxis.values = function (u, splits) { return splits.map(percentileLabel); };
    }
    return {
      width: widthOf(element),
      height: CHART_HEIGHT,
      scales: { x: { time: false, range: distribution ? [0, 4] : undefined }, y: { range: fromZero } },
      series: series,
      axes: [xAxis, { label: chart.yUnit, labelSize: 20, size: 56, values: function (u, splits) { return splits.map(formatNumber); } }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } }
    };
  }

  data.operations.forEach(function (operation) {
    operation.charts.forEach(function (chart) {
      var element = document.getElementById(chart.id);
      if (!element) throw new Error('pacs-load report: no element for chart ' + chart.id);
      var columns = [chart.x].concat(chart.series.map(function (line) { return line.values; }));
      var plot = new uPlot(options(chart, element), columns, element);
      drawn.push({ id: chart.id, kind: chart.kind, element: element, plot: plot });
    });
  });

  function resizeAll(printing) {
    drawn.forEach(function (chart) {
      chart.plot.setSize({ width: printing ? PRINT_WIDTH : widthOf(chart.element), height: CHART_HEIGHT });
    });
  }
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { resizeAll(false); }, 100);
  });
  window.addEventListener('beforeprint', function () { resizeAll(true); });
  window.addEventListener('afterprint', function () { resizeAll(false); });
  if (window.matchMedia) {
    var print = window.matchMedia('print');
    if (print.addEventListener) print.addEventListener('change', function (event) { resizeAll(event.matches); });
  }

  window.pacsLoadReport = {
    charts: drawn.map(function (chart) { return { id: chart.id, kind: chart.kind, plot: chart.plot }; })
  };
})();
`;
