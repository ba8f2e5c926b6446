/**
 * The migration figures of a run (issue 7, item 3): what the bulk move
 * (every dimse.store and stow.study series) sustained, in decimal GB per hour
 * (bytes sent over the active time, docs/architecture.md section 3 point 6), and how long an
 * archive of the given size takes at that rate, round the clock.
 */
import type { MigrationSummary, OperationSummary } from '../metrics/types.js';

const MIGRATION_OPERATIONS: readonly string[] = ['dimse.store', 'stow.study'];

/**
 * The migration summary of `operations`. The active time is the longest of the
 * migration series' (they run side by side, so their times overlap rather than add).
 */
export function migrationSummary(operations: readonly OperationSummary[], archiveSizeBytes: number | undefined): MigrationSummary {
  const moved = operations.filter((operation) => MIGRATION_OPERATIONS.includes(operation.operation));
  const bytesSent = moved.reduce((sum, operation) => sum + operation.bytesSent, 0);
  const activeSeconds = Math.max(0, ...moved.map((operation) => operation.activeSeconds));
  const sustainedGBPerHour = activeSeconds > 0 ? (bytesSent / activeSeconds) * 3600 / 1e9 : 0;
  const summary: MigrationSummary = { bytesSent, activeSeconds, sustainedGBPerHour };
  if (archiveSizeBytes !== undefined) {
    summary.archiveSizeBytes = archiveSizeBytes;
    if (sustainedGBPerHour > 0) summary.hoursToMove = archiveSizeBytes / 1e9 / sustainedGBPerHour;
  }
  return summary;
}
