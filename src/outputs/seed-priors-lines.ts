/**
 * Console lines for the `seedPriors` step (issue 14, item 6): what was stored
 * before time zero, how long it took, and why studies failed. Pure: summary
 * part in, lines out (empty when the run seeded nothing).
 */
import { formatBytes, formatDurationUs } from '../metrics/format.js';
import type { SeedPriorsSummary } from '../metrics/types.js';

const INDENT = '  ';

/**
 * `seeded priors (before time zero, not measured)`, then
 * `CR by C-STORE: 150 of 150 studies stored, 300 instances, 75.0 MB sent, for 50 patients (PLSYN-000001 to PLSYN-000050) in 4.2 s`
 * and, when studies failed, a line per reason.
 */
export function renderSeedPriors(seeded: SeedPriorsSummary | undefined): string[] {
  if (seeded === undefined) return [];
  const lines = ['seeded priors (before time zero, not measured)', `${INDENT}${seedPriorsHeadline(seeded)}`];
  if (seeded.studiesFailed > 0) lines.push(`${INDENT}failed: ${seeded.studiesFailed} ${seeded.studiesFailed === 1 ? 'study' : 'studies'}`);
  for (const failure of seeded.failures) lines.push(`${INDENT}${INDENT}${failure.reason}: ${failure.count}`);
  if (seeded.studiesNotSent > 0) lines.push(`${INDENT}not sent: ${seeded.studiesNotSent} (seeding stopped: the first studies all failed, or the run was interrupted)`);
  lines.push('');
  return lines;
}

/** The one-line account of the seeding; the HTML report shows the same. */
export function seedPriorsHeadline(seeded: SeedPriorsSummary): string {
  const way = seeded.via === 'dimse' ? 'C-STORE' : 'STOW-RS';
  const last = `PLSYN-${String(seeded.patients).padStart(6, '0')}`;
  return (
    `${seeded.modality} by ${way}: ${seeded.studiesStored} of ${seeded.studiesPlanned} studies stored, ` +
    `${seeded.instancesStored} of ${seeded.instancesPlanned} instances, ${formatBytes(seeded.bytesSent)} sent, ` +
    `for ${seeded.patients} ${seeded.patients === 1 ? 'patient' : 'patients'} (PLSYN-000001 to ${last}) in ${formatDurationUs(Math.round(seeded.durationSeconds * 1e6))}`
  );
}
