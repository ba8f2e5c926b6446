/**
 * Console lines for the capacity figures of issue 7: the breakpoint knee (a
 * table of judged steps and the verdict line) and the migration throughput.
 * Pure: summary parts in, lines out (empty when the run had none).
 */
import { formatBytes, formatDurationUs, formatPercent, formatRate, formatSignificant } from '../metrics/format.js';
import type { BreakpointStepSummary, BreakpointSummary, MigrationSummary, RunSummary } from '../metrics/types.js';
import { renderTable } from './table.js';

const INDENT = '  ';

/** The columns of the table of judged breakpoint steps; the HTML report shows the same. */
export const BREAKPOINT_STEP_HEADERS = ['offered', 'achieved', 'p95', 'errors', 'dropped', 'step'] as const;

/**
 * One judged step's cells, in the order of BREAKPOINT_STEP_HEADERS; the last
 * is `ok`, or `failedLabel` and the exceeded limits (`FAILED: errors 12% > 1%`).
 */
export function breakpointStepCells(step: BreakpointStepSummary, failedLabel: string): string[] {
  return [
    formatRate(step.ratePerSec),
    formatRate(step.achievedPerSec),
    step.p95Us === undefined ? '-' : formatDurationUs(step.p95Us),
    formatPercent(step.errorRate),
    formatPercent(step.droppedRate),
    step.passed ? 'ok' : `${failedLabel}: ${step.exceeded.join(', ')}`,
  ];
}

/**
 * The breakpoint's steps and its verdict: `sustainable 30/s; failed at 40/s: errors 12% > 1%`.
 * `instance` names the merged part it belongs to (`merge` lists differing ones per instance).
 */
export function renderBreakpoint(breakpoint: BreakpointSummary | undefined, instance?: string): string[] {
  if (breakpoint === undefined) return [];
  const lines = [`breakpoint (${breakpoint.scenario})${instance === undefined ? '' : ` of ${instance}`}`];
  lines.push(
    ...renderTable(
      BREAKPOINT_STEP_HEADERS.map((header) => (header === 'step' ? { header, align: 'left' as const } : { header })),
      breakpoint.steps.map((step) => breakpointStepCells(step, 'FAILED')),
      { indent: INDENT },
    ),
  );
  lines.push(`${INDENT}${breakpointVerdict(breakpoint)}`, '');
  return lines;
}

/** `sustainable rate 30/s; first failed step 40/s (p95 812 ms > 500 ms at 40/s)`. */
export function breakpointVerdict(breakpoint: BreakpointSummary): string {
  const sustainable = breakpoint.sustainableRatePerSec === undefined ? 'no sustainable rate (the first step failed)' : `sustainable rate ${formatRate(breakpoint.sustainableRatePerSec)}`;
  const failed = breakpoint.failedRatePerSec === undefined ? '' : `; first failed step ${formatRate(breakpoint.failedRatePerSec)}`;
  return `${sustainable}${failed} (${breakpoint.reason})`;
}

/** `sent 1.2 GB in 10 s: sustained 432 GB/hour`. */
export function migrationThroughput(migration: MigrationSummary): string {
  return `sent ${formatBytes(migration.bytesSent)} in ${formatDurationUs(migration.activeSeconds * 1e6)}: sustained ${formatSignificant(migration.sustainedGBPerHour)} GB/hour`;
}

/** The migration throughput: sustained GB/hour and, with an archive size, the time to move it. `instance` as for renderBreakpoint. */
export function renderMigration(migration: MigrationSummary | undefined, instance?: string): string[] {
  if (migration === undefined) return [];
  const lines = [instance === undefined ? 'migration' : `migration of ${instance}`, `${INDENT}${migrationThroughput(migration)}`];
  if (migration.archiveSizeBytes !== undefined && migration.hoursToMove !== undefined) {
    const days = migration.hoursToMove / 24;
    lines.push(
      `${INDENT}archive ${formatBytes(migration.archiveSizeBytes)}: ${formatSignificant(migration.hoursToMove)} hours (${formatSignificant(days)} days) at this rate, round the clock`,
    );
  }
  lines.push('');
  return lines;
}

/** `merge`'s per-instance sections (RunSummary.instanceSections): each part's breakpoint and migration, named. */
export function renderInstanceSections(sections: RunSummary['instanceSections']): string[] {
  return (sections ?? []).flatMap((entry) => [...renderBreakpoint(entry.breakpoint, entry.instance), ...renderMigration(entry.migration, entry.instance)]);
}
