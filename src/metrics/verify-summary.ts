/**
 * The `--verify` result's verdict and words (issue 14, item 3), shared by the
 * check that builds it, `merge` that adds results up, and every output that
 * shows it (console, HTML, JUnit), so they all say the same thing. A verify
 * result fails when an acknowledged instance is missing, the check could not
 * be completed, or an instance was acknowledged more than once without the
 * run meaning to send it again: the archive then holds fewer objects than the
 * sends suggest, so the run's counts overstate what it stored.
 *
 * Summaries written before the send counts existed have none of them; they
 * read and render as they always did.
 */
import { formatCount } from './format.js';
import type { VerifySummary } from './types.js';

/** SOP Instance UIDs listed in the summary at most (missing, and acknowledged more than once); the counts are always complete. */
export const VERIFY_LIST_LIMIT = 100;

/** Verified: nothing missing, every query answered, no unintended duplicate. Instances beyond the memory cap do not fail it (they are reported). */
export function verifyPassed(summary: VerifySummary): boolean {
  return summary.missing === 0 && summary.error === undefined && !hasUnintendedDuplicates(summary);
}

/** Instances acknowledged more than once by a run that did not mean to send them again. */
export function hasUnintendedDuplicates(summary: VerifySummary): boolean {
  return (summary.acknowledgedMoreThanOnce ?? 0) > 0 && summary.duplicatesIntended !== true;
}

/**
 * The sends in words: `240 acknowledged sends of 120 distinct instances: 120
 * acknowledged more than once (unintended, 120 extra acknowledgements)`.
 * Undefined for a summary without send counts.
 */
export function describeSends(summary: VerifySummary): string | undefined {
  const { acknowledgedSends, distinctInstances } = summary;
  if (acknowledgedSends === undefined || distinctInstances === undefined) return undefined;
  const sends = `${plural(acknowledgedSends, 'acknowledged send')} of ${plural(distinctInstances, 'distinct instance')}`;
  const duplicated = summary.acknowledgedMoreThanOnce ?? 0;
  if (duplicated === 0) return sends;
  const intent = summary.duplicatesIntended === true ? 'intended' : 'unintended';
  return `${sends}: ${formatCount(duplicated)} acknowledged more than once (${intent}, ${plural(summary.extraAcknowledgements ?? 0, 'extra acknowledgement')})`;
}

/**
 * The whole result in one sentence, as the console prints it after `verify: `:
 * - `240 acknowledged sends of 120 distinct instances; 120 checked: all stored`
 * - `... ; 120 checked: 3 missing, 5 not checked`
 * - `not verified: <error> (... ; 0 checked, 0 missing)`
 * A summary without send counts keeps the older wording
 * (`1,200 acknowledged instances checked, all stored`).
 */
export function describeVerify(summary: VerifySummary): string {
  const notChecked = summary.notChecked > 0 ? `, ${formatCount(summary.notChecked)} not checked` : '';
  const sends = describeSends(summary);
  if (summary.error !== undefined) {
    const counts = `${formatCount(summary.checked)} checked, ${formatCount(summary.missing)} missing${notChecked}`;
    return `not verified: ${summary.error} (${sends === undefined ? counts : `${sends}; ${counts}`})`;
  }
  if (sends === undefined) {
    return summary.missing === 0
      ? `${formatCount(summary.checked)} acknowledged instances checked, all stored${notChecked}`
      : `${formatCount(summary.missing)} of ${formatCount(summary.checked)} acknowledged instances missing${notChecked}`;
  }
  return `${sends}; ${formatCount(summary.checked)} checked: ${summary.missing === 0 ? 'all stored' : `${formatCount(summary.missing)} missing`}${notChecked}`;
}

/** The summary with `detail` set to its words (after any change to its counts). */
export function withVerifyDetail(summary: VerifySummary): VerifySummary {
  return { ...summary, detail: describeVerify(summary) };
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
