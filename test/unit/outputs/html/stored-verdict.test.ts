import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../../src/outputs/html/render-report.js';
import { renderVerdictSection } from '../../../../src/outputs/html/verdict-section.js';
import { measuredSummary } from './measured-summary.js';

const measured = measuredSummary();

/** The verdict section's text: its `<section>` only (the threshold table follows it). */
function verdictOf(html: string): string {
  return /<section id="verdict"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
}

describe('HTML verdict: what the target acknowledged (issue 14)', () => {
  const verify = { checked: 150, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 150, distinctInstances: 150, acknowledgedMoreThanOnce: 0, extraAcknowledgements: 0, duplicateInstances: [], duplicatesIntended: false };

  it('shows acknowledged instances and studies beside the verify result, per scenario when several', () => {
    const summary = {
      ...measured,
      verify,
      stored: {
        scenarios: [
          { scenario: 'ct <store>', operation: 'dimse.store', acknowledgedInstances: 100, studies: 5 },
          { scenario: 'wl', operation: 'chain', acknowledgedInstances: 50, studies: 4 },
        ],
        acknowledgedInstances: 150,
        studies: 9,
      },
    };
    const verdict = verdictOf(renderHtmlReport(summary));
    const verifyAt = verdict.indexOf('<p>Verify: ');
    const storedAt = verdict.indexOf('<p>Stored: 150 acknowledged instances in 9 studies.</p>');
    expect(verifyAt).toBeGreaterThan(0);
    expect(storedAt).toBeGreaterThan(verifyAt);
    expect(verdict).toContain('<p>Stored by ct &lt;store&gt; (dimse.store): 100 instances in 5 studies.</p>');
    expect(verdict).toContain('<p>Stored by wl (chain): 50 instances in 4 studies.</p>');
  });

  it('shows one line for one storing scenario, and says when a merge summed the studies over parts', () => {
    const merged = {
      ...measured,
      stored: { scenarios: [{ scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 20, studies: 4 }], acknowledgedInstances: 20, studies: 4, studiesSummedOverParts: 2 },
    };
    const verdict = renderVerdictSection(merged);
    expect(verdict).toContain('<p>Stored: 20 acknowledged instances in 4 studies (summed over 2 parts).</p>');
    expect(verdict).not.toContain('Stored by');
  });

  it('says nothing of stored counts when the run stored nothing', () => {
    expect(renderVerdictSection(measured)).not.toContain('Stored');
  });
});
