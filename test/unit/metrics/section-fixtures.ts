/**
 * Hand-made `verify`, `breakpoint`, `migration`, `stored` and `identities`
 * sections for the tests of `merge` (src/metrics/merge-sections.ts), in the
 * shapes the run writes.
 */
import type { BreakpointSummary, IdentitySummary, MigrationSummary, StoredSummary, VerifySummary } from '../../../src/metrics/types.js';
import { withVerifyDetail } from '../../../src/metrics/verify-summary.js';

/** A verify result with send counts; `duplicates` instances were each acknowledged twice. */
export function verifySection(options: { checked: number; missing?: string[]; notChecked?: number; duplicates?: string[]; intended?: boolean; error?: string }): VerifySummary {
  const missing = options.missing ?? [];
  const duplicates = options.duplicates ?? [];
  return withVerifyDetail({
    checked: options.checked,
    missing: missing.length,
    missingInstances: missing,
    notChecked: options.notChecked ?? 0,
    ...(options.error === undefined ? {} : { error: options.error }),
    acknowledgedSends: options.checked + (options.notChecked ?? 0) + duplicates.length,
    distinctInstances: options.checked + (options.notChecked ?? 0),
    acknowledgedMoreThanOnce: duplicates.length,
    extraAcknowledgements: duplicates.length,
    duplicateInstances: duplicates,
    duplicatesIntended: options.intended ?? false,
  });
}

/** A breakpoint search that held up to `sustainable`/s and failed at the next step (+10/s). */
export function breakpointSection(sustainable: number): BreakpointSummary {
  const failed = sustainable + 10;
  return {
    scenario: 'ramp',
    sustainableRatePerSec: sustainable,
    failedRatePerSec: failed,
    reason: `p95 812 ms > 500 ms at ${failed}/s`,
    steps: [
      { ratePerSec: sustainable, achievedPerSec: sustainable, p95Us: 300_000, errorRate: 0, droppedRate: 0, passed: true, exceeded: [] },
      { ratePerSec: failed, achievedPerSec: failed - 1, p95Us: 812_000, errorRate: 0, droppedRate: 0, passed: false, exceeded: ['p95 812 ms > 500 ms'] },
    ],
  };
}

/** A migration that sent `gigabytes` GB in 100 s. */
export function migrationSection(gigabytes: number): MigrationSummary {
  const bytesSent = gigabytes * 1e9;
  return { bytesSent, activeSeconds: 100, sustainedGBPerHour: (bytesSent / 100) * 3600 / 1e9 };
}

/**
 * What one run's storing scenarios acknowledged: `[scenario, operation,
 * instances, studies]` each; `studies` in total is the scenarios' sum less
 * `sharedStudies` (studies two scenarios both sent images of, counted once).
 */
export function storedSection(scenarios: Array<[string, string, number, number]>, sharedStudies = 0): StoredSummary {
  return {
    scenarios: scenarios.map(([scenario, operation, acknowledgedInstances, studies]) => ({ scenario, operation, acknowledgedInstances, studies })),
    acknowledgedInstances: scenarios.reduce((total, [, , instances]) => total + instances, 0),
    studies: scenarios.reduce((total, [, , , studies]) => total + studies, 0) - sharedStudies,
  };
}

/** How a run made its identities. */
export function identitySection(mode: IdentitySummary['mode'], runComponent: string, duplicatesIntended = mode === 'fixed'): IdentitySummary {
  return { mode, runComponent, uidRoot: '2.25', duplicatesIntended };
}
