/**
 * The three forms of `pacs-load compare` output: a text table for terminals,
 * GitHub-flavoured markdown for CI comments and job summaries
 * (`>> $GITHUB_STEP_SUMMARY`), and JSON for scripts. Pure: comparison in, text out.
 */
import { formatDurationUs } from '../metrics/format.js';
import { seriesLabel } from '../outputs/console-summary.js';
import { renderTable, type TableColumn } from '../outputs/table.js';
import { describeTolerance, formatDelta, formatMetric, type Comparison, type OperationComparison, type RunReference } from './compare.js';

export const COMPARISON_FORMATS = ['text', 'md', 'json'] as const;
export type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];

/** Renders a comparison in the given format; the text ends with a newline. */
export function renderComparison(comparison: Comparison, format: ComparisonFormat): string {
  switch (format) {
    case 'text':
      return renderText(comparison);
    case 'md':
      return renderMarkdown(comparison);
    case 'json':
      return `${JSON.stringify({ passed: comparison.violations.length === 0, ...comparison }, null, 2)}\n`;
  }
}

/** One line: the outcome of the comparison. */
export function verdictText(comparison: Comparison): string {
  const count = comparison.violations.length;
  if (count > 0) return `${count} ${count === 1 ? 'tolerance' : 'tolerances'} exceeded`;
  if (comparison.tolerances.length === 0) return 'no tolerances given: report only';
  return 'within tolerance';
}

const COLUMNS: TableColumn[] = [
  { header: 'scenario/operation', align: 'left' },
  { header: 'metric', align: 'left' },
  { header: 'base' },
  { header: 'new' },
  { header: 'change' },
  { header: 'allowed' },
  { header: '', align: 'left' },
];

/** Table rows: one per metric of each compared operation, the label only on its first row. */
function metricRows(comparison: Comparison, marks: { ok: string; exceeded: string }): string[][] {
  return comparison.operations
    .filter((operation) => operation.status === 'compared')
    .flatMap((operation) =>
      operation.metrics.map((metric, index) => [
        index === 0 ? seriesLabel(operation) : '',
        metric.metric === 'errors' ? 'error rate' : metric.metric,
        formatMetric(metric.metric, metric.base),
        formatMetric(metric.metric, metric.new),
        formatDelta(metric),
        metric.tolerance === undefined ? '' : describeTolerance(metric.tolerance),
        metric.tolerance === undefined ? '' : metric.exceeded ? marks.exceeded : marks.ok,
      ]),
    );
}

function renderText(comparison: Comparison): string {
  const lines = [
    `base: ${describeRun(comparison.base)}`,
    `new:  ${describeRun(comparison.new)}`,
    `tolerances: ${comparison.tolerances.length === 0 ? 'none (report only)' : comparison.tolerances.map(describeToleranceOf).join(', ')}`,
    '',
  ];
  const rows = metricRows(comparison, { ok: 'ok', exceeded: 'EXCEEDED' });
  if (rows.length > 0) lines.push(...renderTable(COLUMNS, rows, { indent: '  ' }), '');
  else lines.push('no operation is in both summaries', '');
  lines.push(...changedOperations(comparison, (text) => text));
  for (const note of comparison.notes) lines.push(`note: ${note}`);
  lines.push(`verdict: ${verdictText(comparison)}`);
  for (const violation of comparison.violations) lines.push(`  ${seriesLabel(violation)}: ${violation.detail}`);
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(comparison: Comparison): string {
  const failed = comparison.violations.length > 0;
  const icon = failed ? '❌' : comparison.tolerances.length === 0 ? 'ℹ️' : '✅';
  const lines = [
    `### pacs-load compare: ${icon} ${verdictText(comparison)}`,
    '',
    `- **Base:** ${cell(describeRun(comparison.base))}`,
    `- **New:** ${cell(describeRun(comparison.new))}`,
    `- **Tolerances:** ${comparison.tolerances.length === 0 ? 'none (report only)' : comparison.tolerances.map((tolerance) => `\`${tolerance.source}\``).join(', ')}`,
    '',
  ];
  if (failed) {
    lines.push('**Exceeded:**', '');
    for (const violation of comparison.violations) lines.push(`- \`${seriesLabel(violation)}\`: ${cell(violation.detail)}`);
    lines.push('');
  }
  const rows = metricRows(comparison, { ok: '✅', exceeded: '❌' });
  if (rows.length > 0) {
    lines.push(
      `| ${COLUMNS.map((column) => column.header).join(' | ')} |`,
      `|${COLUMNS.map((column) => (column.align === 'left' ? ' --- ' : ' ---: ')).join('|')}|`,
      ...rows.map((row) => `| ${row.map((text, index) => (index === 0 && text !== '' ? `\`${cell(text)}\`` : cell(text))).join(' | ')} |`),
      '',
    );
  } else {
    lines.push('No operation is in both summaries.', '');
  }
  const changed = changedOperations(comparison, (text) => `\`${cell(text)}\``);
  if (changed.length > 0) lines.push(...changed.map((line) => `- ${line}`), '');
  for (const note of comparison.notes) lines.push(`> Note: ${cell(note)}`, '');
  return `${lines.join('\n')}\n`;
}

/** Lines for operations in only one of the summaries. */
function changedOperations(comparison: Comparison, code: (text: string) => string): string[] {
  const lines: string[] = [];
  const only = (status: OperationComparison['status']) => comparison.operations.filter((operation) => operation.status === status);
  for (const operation of only('added')) lines.push(`added (only in new): ${code(seriesLabel(operation))}`);
  for (const operation of only('removed')) lines.push(`removed (only in base): ${code(seriesLabel(operation))}`);
  return lines;
}

function describeRun(run: RunReference): string {
  return `run ${run.id} (${run.profile}), started ${run.startedAt}, ${formatDurationUs(run.durationSeconds * 1_000_000)}`;
}

function describeToleranceOf(tolerance: Comparison['tolerances'][number]): string {
  return `${tolerance.metric} ${describeTolerance(tolerance)}`;
}

/** Text safe inside a markdown table cell or list item: pipes escaped, no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}
