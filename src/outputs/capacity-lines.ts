/**
 * Console lines for the capacity figures of issue 7: the breakpoint knee (a
 * table of judged steps and the verdict line) and the migration throughput.
 * Pure: summary parts in, lines out (empty when the run had none).
 */
import { formatBytes, formatDurationUs, formatPercent, formatRate, formatSignificant } from '../metrics/format.js';
import type { BreakpointSummary, MigrationSummary } from '../metrics/types.js';
import { renderTable } from './table.js';

const INDENT = '  ';

/** The breakpoint's steps and its verdict: `sustainable 30/s; failed at 40/s: errors 12% > 1%`. */
export function renderBreakpoint(breakpoint: BreakpointSummary | undefined): string[] {
  if (breakpoint === undefined) return [];
  const lines = [`breakpoint (${breakpoint.scenario})`];
  lines.push(
    ...renderTable(
      [{ header: 'offered' }, { header: 'achieved' }, { header: 'p95' }, { header: 'errors' }, { header: 'dropped' }, { header: 'step', align: 'left' }],
      breakpoint.steps.map((step) => [
        formatRate(step.ratePerSec),
        formatRate(step.achievedPerSec),
        step.p95Us === undefined ? '-' : formatDurationUs(step.p95Us),
        formatPercent(step.errorRate),
        formatPercent(step.droppedRate),
        step.passed ? 'ok' : `FAILED: ${step.exceeded.join(', ')}`,
      ]),
      { indent: INDENT },
    ),
  );
  const sustainable = breakpoint.sustainableRatePerSec === undefined ? 'no sustainable rate (the first step failed)' : `sustainable rate ${formatRate(breakpoint.sustainableRatePerSec)}`;
  const failed = breakpoint.failedRatePerSec === undefined ? '' : `; first failed step ${formatRate(breakpoint.failedRatePerSec)}`;
  lines.push(`${INDENT}${sustainable}${failed} (${breakpoint.reason})`, '');
  return lines;
}

/** The migration throughput: sustained GB/hour and, with an archive size, the time to move it. */
export function renderMigration(migration: MigrationSummary | undefined): string[] {
  if (migration === undefined) return [];
  const lines = [
    'migration',
    `${INDENT}sent ${formatBytes(migration.bytesSent)} in ${formatDurationUs(migration.activeSeconds * 1e6)}: sustained ${formatSignificant(migration.sustainedGBPerHour)} GB/hour`,
  ];
  if (migration.archiveSizeBytes !== undefined && migration.hoursToMove !== undefined) {
    const days = migration.hoursToMove / 24;
    lines.push(
      `${INDENT}archive ${formatBytes(migration.archiveSizeBytes)}: ${formatSignificant(migration.hoursToMove)} hours (${formatSignificant(days)} days) at this rate, round the clock`,
    );
  }
  lines.push('');
  return lines;
}
