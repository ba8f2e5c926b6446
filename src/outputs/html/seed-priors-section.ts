/**
 * The `seedPriors` step in the HTML report (issue 14, item 6): what was stored
 * before time zero, and why studies failed. Empty when the run seeded nothing.
 */
import type { SeedPriorsSummary } from '../../metrics/types.js';
import { formatCount } from '../console-summary.js';
import { seedPriorsHeadline } from '../seed-priors-lines.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';

export function renderSeedPriorsSection(seeded: SeedPriorsSummary | undefined): string {
  if (seeded === undefined) return '';
  const parts = ['<h2 id="seed-priors">Priors seeded before time zero</h2>', `<p>${escapeHtml(`${seedPriorsHeadline(seeded)}. Not part of the measured run.`)}</p>`];
  if (seeded.failures.length > 0) {
    parts.push(
      htmlTable(
        [{ header: 'why studies failed', text: true }, { header: 'studies' }],
        seeded.failures.map((failure) => ({ cells: [failure.reason, formatCount(failure.count)], className: 'failed' })),
      ),
    );
  }
  if (seeded.studiesNotSent > 0) {
    parts.push(`<p class="muted">${escapeHtml(`${formatCount(seeded.studiesNotSent)} studies not sent: seeding stopped (the first studies all failed, or the run was interrupted).`)}</p>`);
  }
  return parts.join('\n');
}
