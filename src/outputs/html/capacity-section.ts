/**
 * The capacity figures of issue 7 in the HTML report: the breakpoint knee (a
 * chart of p95 against the offered rate, with the last step that held and the
 * first that failed marked, and the table of judged steps) and the migration
 * throughput. The chart is inline SVG drawn here, not a uPlot chart: a handful
 * of points, and it must print. Empty when the run had neither.
 */
import { formatBytes, formatDurationUs, formatRate, formatSignificant } from '../../metrics/format.js';
import type { BreakpointSummary, MigrationSummary, RunSummary } from '../../metrics/types.js';
import { BREAKPOINT_STEP_HEADERS, breakpointStepCells } from '../capacity-lines.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';

export function renderCapacitySection(summary: RunSummary): string {
  const parts = [
    renderBreakpoint(summary.breakpoint),
    renderMigration(summary.migration),
    // `merge` of parts whose sections differ: each part's own, named by its file.
    ...(summary.instanceSections ?? []).flatMap((entry) => [renderBreakpoint(entry.breakpoint, entry.instance), renderMigration(entry.migration, entry.instance)]),
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : ['<h2 id="capacity">Capacity</h2>', ...parts].join('\n');
}

function renderBreakpoint(breakpoint: BreakpointSummary | undefined, instance?: string): string {
  if (breakpoint === undefined) return '';
  const sustainable =
    breakpoint.sustainableRatePerSec === undefined
      ? 'No sustainable rate: the first step already failed.'
      : `Sustainable rate: ${formatRate(breakpoint.sustainableRatePerSec)}.`;
  const failed = breakpoint.failedRatePerSec === undefined ? '' : ` First failed step: ${formatRate(breakpoint.failedRatePerSec)}.`;
  const table = htmlTable(
    BREAKPOINT_STEP_HEADERS.map((header) => (header === 'step' ? { header, text: true } : { header })),
    breakpoint.steps.map((step) => ({
      cells: breakpointStepCells(step, 'failed'),
      ...(step.passed ? {} : { className: 'failed' }),
    })),
  );
  return [
    `<h3>Breakpoint: ${escapeHtml(breakpoint.scenario)}${instance === undefined ? '' : ` of ${escapeHtml(instance)}`}</h3>`,
    `<p><strong>${escapeHtml(sustainable + failed)}</strong> ${escapeHtml(`(${breakpoint.reason})`)}</p>`,
    kneeChart(breakpoint),
    table,
  ].join('\n');
}

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { left: 64, right: 16, top: 12, bottom: 36 };

/** p95 (ms) against the offered rate, one point per judged step; failed steps in red. */
function kneeChart(breakpoint: BreakpointSummary): string {
  const points = breakpoint.steps.filter((step) => step.p95Us !== undefined);
  if (points.length === 0) return '';
  const maxRate = Math.max(...points.map((step) => step.ratePerSec)) || 1;
  const maxMs = Math.max(...points.map((step) => (step.p95Us ?? 0) / 1000)) || 1;
  const x = (rate: number): number => MARGIN.left + (rate / maxRate) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (ms: number): number => HEIGHT - MARGIN.bottom - (ms / maxMs) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const line = points.map((step) => `${x(step.ratePerSec).toFixed(1)},${y((step.p95Us ?? 0) / 1000).toFixed(1)}`).join(' ');
  const dots = points
    .map((step) => {
      const colour = step.passed ? '#1a7f37' : '#cf222e';
      const label = `${formatRate(step.ratePerSec)}: p95 ${formatDurationUs(step.p95Us ?? 0)}${step.passed ? '' : ` (failed: ${step.exceeded.join(', ')})`}`;
      return `<circle cx="${x(step.ratePerSec).toFixed(1)}" cy="${y((step.p95Us ?? 0) / 1000).toFixed(1)}" r="4" fill="${colour}"><title>${escapeHtml(label)}</title></circle>`;
    })
    .join('');
  const axisY = HEIGHT - MARGIN.bottom;
  return [
    `<svg class="knee" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="p95 response time by offered rate">`,
    `<line x1="${MARGIN.left}" y1="${axisY}" x2="${WIDTH - MARGIN.right}" y2="${axisY}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${axisY}" stroke="#888"/>`,
    `<text x="${MARGIN.left - 6}" y="${MARGIN.top + 10}" text-anchor="end" font-size="11">${escapeHtml(formatSignificant(maxMs))} ms</text>`,
    `<text x="${MARGIN.left - 6}" y="${axisY}" text-anchor="end" font-size="11">0</text>`,
    `<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 12}" text-anchor="end" font-size="11">${escapeHtml(formatRate(maxRate))} offered</text>`,
    `<text x="${MARGIN.left}" y="${HEIGHT - 12}" font-size="11">p95 by offered rate (red: failed step)</text>`,
    `<polyline points="${line}" fill="none" stroke="#0969da" stroke-width="2"/>`,
    dots,
    '</svg>',
  ].join('');
}

function renderMigration(migration: MigrationSummary | undefined, instance?: string): string {
  if (migration === undefined) return '';
  const lines = [
    `Sent ${formatBytes(migration.bytesSent)} in ${formatDurationUs(migration.activeSeconds * 1e6)}: sustained ${formatSignificant(migration.sustainedGBPerHour)} GB/hour.`,
  ];
  if (migration.archiveSizeBytes !== undefined && migration.hoursToMove !== undefined) {
    lines.push(
      `Moving the archive of ${formatBytes(migration.archiveSizeBytes)} takes ${formatSignificant(migration.hoursToMove)} hours (${formatSignificant(migration.hoursToMove / 24)} days) at this rate, round the clock.`,
    );
  }
  return [`<h3>Migration${instance === undefined ? '' : ` of ${escapeHtml(instance)}`}</h3>`, ...lines.map((line) => `<p>${escapeHtml(line)}</p>`)].join('\n');
}
