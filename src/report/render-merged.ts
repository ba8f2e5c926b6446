/**
 * What `pacs-load merge` prints: a short table of the merged summary (counts,
 * rate, exact percentiles, errors) and its re-evaluated thresholds. The full
 * report of the merged file is `pacs-load report ALL.json`. Pure: lines out.
 */
import { formatDurationUs } from '../metrics/format.js';
import type { RunSummary } from '../metrics/types.js';
import { OPERATION_FIGURE_HEADERS, operationFigures, seriesLabel } from '../outputs/console-summary.js';
import { renderTable, type TableColumn } from '../outputs/table.js';
import { breakpointVerdict, migrationThroughput } from '../outputs/capacity-lines.js';
import { describeVerify, verifyPassed } from '../metrics/verify-summary.js';
import { renderSeedPriors } from '../outputs/seed-priors-lines.js';
import { renderInstanceIdentities, renderStored } from '../outputs/stored-lines.js';

/** The end-of-run table's figures that the short merged table keeps. */
const MERGED_FIGURE_HEADERS = ['completed', 'rate', 'p50', 'p95', 'p99', 'max', 'errors', 'dropped'] as const;
const MERGED_FIGURE_INDEXES = MERGED_FIGURE_HEADERS.map((header) => OPERATION_FIGURE_HEADERS.indexOf(header));

const COLUMNS: TableColumn[] = [{ header: 'scenario/operation', align: 'left' }, ...MERGED_FIGURE_HEADERS.map((header) => ({ header }))];

/**
 * Lines (without newlines) describing a merged summary of `partCount` files:
 * the run span, one row per operation, the verify, breakpoint and migration
 * sections, one line per threshold, the verdict.
 */
export function renderMergedSummary(summary: RunSummary, partCount: number): string[] {
  const { run } = summary;
  const lines = [
    `merged ${partCount} ${partCount === 1 ? 'summary' : 'summaries'}: ${run.startedAt} to ${run.endedAt} (${formatDurationUs(run.durationSeconds * 1_000_000)}), ${run.workers} workers`,
    '',
  ];
  const rows = summary.operations.map((operation) => {
    const figures = operationFigures(operation);
    return [seriesLabel(operation), ...MERGED_FIGURE_INDEXES.map((index) => figures[index] ?? '-')];
  });
  lines.push(...(rows.length === 0 ? ['no operations'] : renderTable(COLUMNS, rows, { indent: '  ' })), '');
  for (const threshold of summary.thresholds) {
    lines.push(`  ${threshold.passed ? '✓' : '✗'} ${threshold.subject} ${threshold.expression}: ${threshold.detail}`);
  }
  lines.push(...sectionLines(summary));
  const failed = summary.thresholds.filter((threshold) => !threshold.passed).length;
  lines.push(
    summary.thresholds.length === 0
      ? 'thresholds: none'
      : `thresholds: ${summary.thresholds.length - failed} passed, ${failed} failed`,
  );
  return lines;
}

/**
 * What `merge` kept besides the operations: the summed `--verify` result and
 * stored counts, the identities, the breakpoint and migration (kept or per
 * instance), and the priors seeded before time zero.
 */
function sectionLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  if (summary.verify !== undefined) lines.push(`verify: ${verifyPassed(summary.verify) ? '' : 'FAILED: '}${describeVerify(summary.verify)}`);
  lines.push(...renderStored(summary.stored, summary.identities, summary.identitiesPerPart), ...renderInstanceIdentities(summary.instanceSections));
  if (summary.breakpoint !== undefined) lines.push(`breakpoint (${summary.breakpoint.scenario}): ${breakpointVerdict(summary.breakpoint)}`);
  if (summary.migration !== undefined) lines.push(`migration: ${migrationThroughput(summary.migration)}`);
  for (const entry of summary.instanceSections ?? []) {
    if (entry.breakpoint !== undefined) lines.push(`breakpoint (${entry.breakpoint.scenario}) of ${entry.instance}: ${breakpointVerdict(entry.breakpoint)}`);
    if (entry.migration !== undefined) lines.push(`migration of ${entry.instance}: ${migrationThroughput(entry.migration)}`);
  }
  // The seeding block ends with a blank line, as in the end-of-run report; here the verdict follows directly.
  lines.push(...renderSeedPriors(summary.seedPriors).filter((line) => line !== ''));
  return lines;
}
