/**
 * What `pacs-load merge` prints: a short table of the merged summary (counts,
 * rate, exact percentiles, errors) and its re-evaluated thresholds. The full
 * report of the merged file is `pacs-load report ALL.json`. Pure: lines out.
 */
import { formatDurationUs, formatPercent, formatRate } from '../metrics/format.js';
import type { RunSummary } from '../metrics/types.js';
import { formatCount, seriesLabel } from '../outputs/console-summary.js';
import { renderTable, type TableColumn } from '../outputs/table.js';

const COLUMNS: TableColumn[] = [
  { header: 'scenario/operation', align: 'left' },
  { header: 'completed' },
  { header: 'rate' },
  { header: 'p50' },
  { header: 'p95' },
  { header: 'p99' },
  { header: 'max' },
  { header: 'errors' },
  { header: 'dropped' },
];

/**
 * Lines (without newlines) describing a merged summary of `partCount` files:
 * the run span, one row per operation, one line per threshold, the verdict.
 */
export function renderMergedSummary(summary: RunSummary, partCount: number): string[] {
  const { run } = summary;
  const lines = [
    `merged ${partCount} ${partCount === 1 ? 'summary' : 'summaries'}: ${run.startedAt} to ${run.endedAt} (${formatDurationUs(run.durationSeconds * 1_000_000)}), ${run.workers} workers`,
    '',
  ];
  const duration = (us: number | undefined): string => (us === undefined ? '-' : formatDurationUs(us));
  const rows = summary.operations.map((operation) => {
    const response = operation.latency.response;
    return [
      seriesLabel(operation),
      formatCount(operation.completed),
      formatRate(operation.ratePerSec),
      duration(response?.p50Us),
      duration(response?.p95Us),
      duration(response?.p99Us),
      duration(response?.maxUs),
      `${formatCount(operation.failed)} (${formatPercent(operation.errorRate)})`,
      formatCount(operation.dropped),
    ];
  });
  lines.push(...(rows.length === 0 ? ['no operations'] : renderTable(COLUMNS, rows, { indent: '  ' })), '');
  for (const threshold of summary.thresholds) {
    lines.push(`  ${threshold.passed ? '✓' : '✗'} ${threshold.subject} ${threshold.expression}: ${threshold.detail}`);
  }
  const failed = summary.thresholds.filter((threshold) => !threshold.passed).length;
  lines.push(
    summary.thresholds.length === 0
      ? 'thresholds: none'
      : `thresholds: ${summary.thresholds.length - failed} passed, ${failed} failed`,
  );
  return lines;
}
