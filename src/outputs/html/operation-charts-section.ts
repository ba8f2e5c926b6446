/**
 * One section per operation (scenario/operation): its charts (drawn by the
 * page script from the embedded data) and the percentile distribution table
 * of each latency histogram, with the gap between response and service time
 * spelled out, since that gap is queueing the target never saw.
 */
import { formatDurationUs, formatPercent, formatRate } from '../../metrics/format.js';
import type { OperationSummary } from '../../metrics/types.js';
import { formatCount } from '../console-summary.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';
import { operationAnchor } from './operations-section.js';
import { TABLE_PERCENTILES } from './percentile-distribution.js';
import type { OperationReportData } from './report-data.js';

const HISTOGRAM_TITLES: Record<string, string> = {
  response: 'response (from intended start)',
  service: 'service (from actual start)',
  lag: 'start lag',
  setup: 'association setup',
  ttfb: 'time to first byte',
};

export function renderOperationChartsSection(operation: OperationSummary, data: OperationReportData, index: number): string {
  const p95Us = operation.latency.response?.p95Us;
  const facts = [
    `${formatCount(operation.completed)} completed`,
    formatRate(operation.ratePerSec),
    `p95 ${p95Us === undefined ? '-' : formatDurationUs(p95Us)}`,
    `${formatCount(operation.failed)} failed (${formatPercent(operation.errorRate)})`,
    `${formatCount(operation.dropped)} dropped`,
  ].join(' · ');
  const figures = data.charts.map(
    (chart) =>
      `<figure data-chart-kind="${chart.kind}"><figcaption>${escapeHtml(chart.title)}</figcaption><div class="chart" id="${chart.id}"></div></figure>`,
  );
  return [
    `<section class="operation" id="${operationAnchor(index)}">`,
    `<h3>${escapeHtml(data.label)}</h3>`,
    `<p class="muted">${escapeHtml(facts)}</p>`,
    ...data.notes.map((note) => `<p class="muted">${escapeHtml(note)}</p>`),
    `<div class="charts">\n${figures.join('\n')}\n</div>`,
    renderDistributionTable(data),
    '</section>',
  ].join('\n');
}

function renderDistributionTable(data: OperationReportData): string {
  if (data.distributions.length === 0) return '';
  const percentileHeader = (percentile: number): string => (percentile === 100 ? 'max' : `p${percentile}`);
  const rows = data.distributions.map(({ histogram, distribution }) => ({
    cells: [
      HISTOGRAM_TITLES[histogram] ?? histogram,
      formatCount(distribution.count),
      ...distribution.table.map((entry) => formatDurationUs(entry.valueUs)),
    ],
  }));
  const lines = [
    '<h4>Latency distribution</h4>',
    htmlTable([{ header: 'time', text: true }, { header: 'count' }, ...TABLE_PERCENTILES.map((p) => ({ header: percentileHeader(p) }))], rows),
  ];
  const queueing = queueingSentence(data);
  if (queueing !== undefined) lines.push(`<p class="muted">${escapeHtml(queueing)}</p>`);
  return lines.join('\n');
}

/** Response minus service time at p99: the wait to start, which a closed-model tool would not show. */
function queueingSentence(data: OperationReportData): string | undefined {
  const valueAt = (histogram: string, percentile: number): number | undefined =>
    data.distributions.find((entry) => entry.histogram === histogram)?.distribution.table.find((entry) => entry.percentile === percentile)?.valueUs;
  const responseUs = valueAt('response', 99);
  const serviceUs = valueAt('service', 99);
  if (responseUs === undefined || serviceUs === undefined) return undefined;
  const gapUs = Math.max(responseUs - serviceUs, 0);
  return `At p99, response time is ${formatDurationUs(gapUs)} above service time: time spent waiting to start (queueing when the in-flight limit is reached), which the target's own timings would not show.`;
}
