/**
 * The seeding step (issue 14, item 6) in the console summary and the HTML
 * report: what was stored, and why studies failed.
 */
import { describe, expect, it } from 'vitest';
import type { SeedPriorsSummary } from '../../../src/metrics/types.js';
import { renderRunSummary } from '../../../src/outputs/console-summary.js';
import { renderHtmlReport } from '../../../src/outputs/html/render-report.js';
import { validateSummary } from '../../../src/report/read-summary.js';
import { recordedSamples, summaryOfSamples } from '../report/recorded-summaries.js';
import { buildSummary } from './fixtures.js';

const SEEDED: SeedPriorsSummary = {
  via: 'dimse',
  modality: 'CR',
  patients: 50,
  studiesPerPatient: 3,
  studiesPlanned: 150,
  studiesStored: 147,
  studiesFailed: 3,
  studiesNotSent: 0,
  instancesPlanned: 300,
  instancesStored: 295,
  bytesSent: 157_286_400,
  durationSeconds: 4.2,
  failures: [{ reason: 'dimse_failure_a700', count: 2 }, { reason: '<b>check_failed: odd</b>', count: 1 }],
};

describe('seeded priors in the reports', () => {
  it('the console summary says what was stored and why studies failed; nothing when the run seeded nothing', () => {
    const lines = renderRunSummary(buildSummary({ seedPriors: SEEDED }), { color: false });
    const start = lines.indexOf('seeded priors (before time zero, not measured)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 5)).toEqual([
      '  CR by C-STORE: 147 of 150 studies stored, 295 of 300 instances, 157 MB sent, for 50 patients (PLSYN-000001 to PLSYN-000050) in 4.2 s',
      '  failed: 3 studies',
      '    dimse_failure_a700: 2',
      '    <b>check_failed: odd</b>: 1',
    ]);
    expect(renderRunSummary(buildSummary(), { color: false }).some((line) => line.startsWith('seeded priors'))).toBe(false);
  });

  it('a summary file read back keeps it (report --html from a file shows it too)', () => {
    const recorded = summaryOfSamples(recordedSamples({ seed: 5, perInterval: 50, intervals: 2, errorFraction: 0 }), { id: 'seeded', thresholds: [] });
    const read = validateSummary(JSON.parse(JSON.stringify({ ...recorded, seedPriors: SEEDED })), 'summary.json');
    expect(read.seedPriors).toEqual(SEEDED);
  });

  it('the HTML report has a section with the same account, reasons escaped', () => {
    const html = renderHtmlReport(buildSummary({ seedPriors: SEEDED }));
    expect(html).toContain('<h2 id="seed-priors">Priors seeded before time zero</h2>');
    expect(html).toContain('CR by C-STORE: 147 of 150 studies stored');
    expect(html).toContain('&lt;b&gt;check_failed: odd&lt;/b&gt;');
    expect(html).not.toContain('<b>check_failed');
    expect(renderHtmlReport(buildSummary())).not.toContain('id="seed-priors"');
  });
});
