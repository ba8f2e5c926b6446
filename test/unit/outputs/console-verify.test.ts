import { describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../../src/outputs/console-summary.js';
import { buildSummary } from './fixtures.js';

const verifyLines = (summary: ReturnType<typeof buildSummary>): string[] =>
  renderRunSummary(summary, { color: false }).filter(
    (line) => line.startsWith('verify') || line.startsWith('  missing') || line.startsWith('  duplicate') || line.startsWith('  ...'),
  );

describe('the --verify block of the console summary', () => {
  it('prints nothing without --verify', () => {
    expect(verifyLines(buildSummary())).toEqual([]);
  });

  it('says all acknowledged instances are stored', () => {
    const summary = buildSummary({ verify: { checked: 1200, missing: 0, missingInstances: [], notChecked: 0 } });
    expect(verifyLines(summary)).toEqual(['verify: 1,200 acknowledged instances checked, all stored']);
  });

  it('names the first missing instances and how many more there are', () => {
    const missingInstances = Array.from({ length: 12 }, (_, index) => `1.2.${index}`);
    const summary = buildSummary({ verify: { checked: 1200, missing: 40, missingInstances, notChecked: 3 } });
    const lines = verifyLines(summary);
    expect(lines[0]).toBe('verify: 40 of 1,200 acknowledged instances missing, 3 not checked');
    expect(lines.slice(1, 11)).toEqual(missingInstances.slice(0, 10).map((uid) => `  missing ${uid}`));
    expect(lines[11]).toBe('  ... and 30 more (the summary JSON lists the first 12)');
  });

  it('says the run is not verified when the check failed', () => {
    const summary = buildSummary({ verify: { checked: 0, missing: 0, missingInstances: [], notChecked: 5, error: 'not checked: the run was interrupted' } });
    expect(verifyLines(summary)).toEqual(['verify: not verified: not checked: the run was interrupted (0 checked, 0 missing, 5 not checked)']);
  });

  // Issue 14, item 3: the sends behind the check.
  const sends = { acknowledgedSends: 240, distinctInstances: 120, acknowledgedMoreThanOnce: 120, extraAcknowledgements: 120 };

  it('says how many sends of how many distinct instances, and that each was sent once', () => {
    const summary = buildSummary({
      verify: { checked: 120, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 120, distinctInstances: 120, acknowledgedMoreThanOnce: 0, extraAcknowledgements: 0, duplicateInstances: [], duplicatesIntended: false },
    });
    expect(verifyLines(summary)).toEqual(['verify: 120 acknowledged sends of 120 distinct instances; 120 checked: all stored']);
  });

  it('names unintended duplicates, the first ten of them, and how many more', () => {
    const duplicateInstances = Array.from({ length: 100 }, (_, index) => `2.25.${index}`);
    const summary = buildSummary({ verify: { checked: 120, missing: 0, missingInstances: [], notChecked: 0, ...sends, duplicateInstances, duplicatesIntended: false } });
    const lines = verifyLines(summary);
    expect(lines[0]).toBe('verify: 240 acknowledged sends of 120 distinct instances: 120 acknowledged more than once (unintended, 120 extra acknowledgements); 120 checked: all stored');
    expect(lines.slice(1, 11)).toEqual(duplicateInstances.slice(0, 10).map((uid) => `  duplicate ${uid}`));
    expect(lines[11]).toBe('  ... and 110 more (the summary JSON lists the first 100)');
  });

  it('paints unintended duplicates as a failure and intended ones as a pass', () => {
    const line = (duplicatesIntended: boolean): string =>
      renderRunSummary(buildSummary({ verify: { checked: 120, missing: 0, missingInstances: [], notChecked: 0, ...sends, duplicateInstances: ['2.25.1'], duplicatesIntended } }), { color: true }).find((text) =>
        text.startsWith('verify'),
      ) ?? '';
    expect(line(false)).toContain('\u001b[31m');
    expect(line(false)).toContain('(unintended, 120 extra acknowledgements)');
    expect(line(true)).toContain('\u001b[32m');
    expect(line(true)).toContain('(intended, 120 extra acknowledgements)');
  });
});

