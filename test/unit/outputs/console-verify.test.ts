import { describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../../src/outputs/console-summary.js';
import { buildSummary } from './fixtures.js';

const verifyLines = (summary: ReturnType<typeof buildSummary>): string[] =>
  renderRunSummary(summary, { color: false }).filter((line) => line.startsWith('verify') || line.startsWith('  missing') || line.startsWith('  ...'));

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
});
