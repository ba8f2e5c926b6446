/**
 * The first thing the report shows: the verdict (passed, failed, or no
 * thresholds), why the run ended, the `--verify` result beside what the
 * target acknowledged (the counts to compare with the archive's), and each threshold
 * with what was measured against its limit. Wording follows the console's
 * end-of-run report (console-summary.ts).
 */
import type { RunSummary, StoredSummary, VerifySummary } from '../../metrics/types.js';
import { describeVerify, verifyPassed } from '../../metrics/verify-summary.js';
import { formatCount, seriesLabel } from '../console-summary.js';
import { storedHeadline, storedScenarioLine } from '../stored-lines.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';

export type VerdictStatus = 'pass' | 'fail' | 'neutral';

/**
 * Failed when a threshold failed (or stopped the run) or `--verify` found a
 * missing instance, an unintended duplicate send, or could not check: what makes `pacs-load run` exit non-zero
 * for the run's own results. Neutral when nothing was judged (no thresholds).
 */
export function verdictStatus(summary: RunSummary): VerdictStatus {
  const thresholdFailed = summary.thresholds.some((threshold) => !threshold.passed) || summary.run.endReason === 'threshold-abort';
  if (thresholdFailed || (summary.verify !== undefined && !verifyPassed(summary.verify))) return 'fail';
  return summary.thresholds.length === 0 && summary.verify === undefined ? 'neutral' : 'pass';
}

const HEADLINE: Record<VerdictStatus, string> = { pass: 'PASSED', fail: 'FAILED', neutral: 'NO THRESHOLDS' };

const END_REASON_TEXT: Record<RunSummary['run']['endReason'], string | undefined> = {
  completed: undefined,
  'threshold-abort': 'Run stopped early: an abortOnFail threshold failed.',
  interrupted: 'Run interrupted before the end of the profile: the figures cover only the time it ran.',
  'worker-failed': 'Run ended early because a worker thread failed: the figures cover only the time it ran.',
  running: 'A checkpoint written while the run was still going: the figures cover the time up to it.',
};

export function renderVerdictSection(summary: RunSummary): string {
  const status = verdictStatus(summary);
  const passed = summary.thresholds.filter((threshold) => threshold.passed).length;
  const failed = summary.thresholds.length - passed;
  const lines: string[] = [
    summary.thresholds.length === 0
      ? 'No thresholds defined: this run is a measurement, not a test.'
      : `Thresholds: ${passed} passed, ${failed} failed.`,
  ];
  const endReason = END_REASON_TEXT[summary.run.endReason];
  if (endReason !== undefined) lines.push(endReason);
  lines.push(...verifyLines(summary.verify), ...storedLines(summary.stored));
  // Not part of the verdict (the exit code ignores it too), but never to be missed;
  // the JUnit report fails such an operation.
  const noSuccess = summary.operations.filter((operation) => operation.succeeded === 0);
  const warning = noSuccess.length === 0 ? [] : [`No successful result at all for ${noSuccess.map(seriesLabel).join(', ')}.`];
  return [
    `<section id="verdict" class="verdict ${status}">`,
    `<strong>${HEADLINE[status]}</strong>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...warning.map((line) => `<p class="warning">${escapeHtml(line)}</p>`),
    '</section>',
    renderThresholdTable(summary),
  ].join('\n');
}

function renderThresholdTable(summary: RunSummary): string {
  if (summary.thresholds.length === 0) return '';
  const rows = summary.thresholds.map((threshold) => ({
    cells: [
      { html: threshold.passed ? '<span class="mark-pass">✓ pass</span>' : '<span class="mark-fail">✗ fail</span>' },
      threshold.subject,
      threshold.expression,
      threshold.detail,
    ],
    ...(threshold.passed ? {} : { className: 'failed' }),
  }));
  return [
    '<h2 id="thresholds">Thresholds</h2>',
    htmlTable(
      [{ header: '', text: true }, { header: 'subject', text: true }, { header: 'threshold', text: true }, { header: 'measured vs limit', text: true }],
      rows,
    ),
  ].join('\n');
}

/** UIDs named in the verdict at most (the summary JSON lists up to 100). */
const VERIFY_UIDS_SHOWN = 10;

/** The `--verify` result in the console's words, then the first missing and duplicated UIDs. */
function verifyLines(verify: VerifySummary | undefined): string[] {
  if (verify === undefined) return [];
  const lines = [`Verify: ${describeVerify(verify)}.`];
  const listed = (what: string, uids: readonly string[], total: number): void => {
    if (uids.length === 0) return;
    const shown = uids.slice(0, VERIFY_UIDS_SHOWN);
    lines.push(`${what}: ${shown.join(', ')}${total > shown.length ? ` and ${formatCount(total - shown.length)} more` : ''}.`);
  };
  listed('Missing', verify.missingInstances, verify.missing);
  const intent = verify.duplicatesIntended === true ? 'intended' : 'unintended';
  listed(`Acknowledged more than once (${intent})`, verify.duplicateInstances ?? [], verify.acknowledgedMoreThanOnce ?? 0);
  return lines;
}

/** What the storing scenarios had acknowledged, in the console's words: the total, then each scenario when several. */
function storedLines(stored: StoredSummary | undefined): string[] {
  if (stored === undefined) return [];
  const scenarios = stored.scenarios.length > 1 ? stored.scenarios.map((scenario) => `Stored by ${storedScenarioLine(scenario)}.`) : [];
  return [`Stored: ${storedHeadline(stored)}.`, ...scenarios];
}
