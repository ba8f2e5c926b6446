/**
 * The pure half of `--verify` (issue 3, item 4): which instances to ask the
 * target for, grouped the way the C-FIND asks (one IMAGE-level query per
 * series), and the comparison of what was acknowledged with what the target
 * returned. The queries themselves are in verify-stored.ts.
 */
import type { VerifySummary } from '../metrics/types.js';
import { VERIFY_LIST_LIMIT, withVerifyDetail } from '../metrics/verify-summary.js';
import type { AcknowledgedInstance } from '../operations/types.js';

export { verifyPassed } from '../metrics/verify-summary.js';

/** SOP Instance UIDs listed in the summary at most; the count is always complete. */
export const MISSING_LIST_LIMIT = VERIFY_LIST_LIMIT;

/** The acknowledged instances of one series (or of one study, when the series is unknown). */
export interface VerifyGroup {
  studyUid: string;
  seriesUid: string | undefined;
  sopInstanceUids: string[];
}

/** Groups instances by study and series, in first-seen order; an instance acknowledged twice is checked once. */
export function groupAcknowledged(instances: Iterable<AcknowledgedInstance>): VerifyGroup[] {
  const groups = new Map<string, VerifyGroup & { seen: Set<string> }>();
  for (const instance of instances) {
    const key = `${instance.studyUid}\u0000${instance.seriesUid ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { studyUid: instance.studyUid, seriesUid: instance.seriesUid, sopInstanceUids: [], seen: new Set() };
      groups.set(key, group);
    }
    if (group.seen.has(instance.sopInstanceUid)) continue;
    group.seen.add(instance.sopInstanceUid);
    group.sopInstanceUids.push(instance.sopInstanceUid);
  }
  return [...groups.values()].map(({ studyUid, seriesUid, sopInstanceUids }) => ({ studyUid, seriesUid, sopInstanceUids }));
}

/**
 * Compares each group with what the target returned for it: `found[i]` is the
 * set of SOP Instance UIDs the query of `groups[i]` returned, or undefined when
 * that query failed (its instances are then counted as not checked, never as
 * missing). `notKept` adds instances acknowledged but never listed. The
 * summary's `error` is left to the caller.
 */
export function compareFound(
  groups: readonly VerifyGroup[],
  found: ReadonlyArray<ReadonlySet<string> | undefined>,
  notKept = 0,
  listLimit = MISSING_LIST_LIMIT,
): VerifySummary {
  const summary: VerifySummary = { checked: 0, missing: 0, missingInstances: [], notChecked: notKept };
  groups.forEach((group, index) => {
    const returned = found[index];
    if (returned === undefined) {
      summary.notChecked += group.sopInstanceUids.length;
      return;
    }
    for (const uid of group.sopInstanceUids) {
      summary.checked++;
      if (returned.has(uid)) continue;
      summary.missing++;
      if (summary.missingInstances.length < listLimit) summary.missingInstances.push(uid);
    }
  });
  return summary;
}

/**
 * What was sent, as opposed to what is stored (issue 14, item 3): every
 * acknowledgement counts as a send, and an instance (a SOP Instance UID,
 * unique by definition, PS3.5 section 9) acknowledged more than once is a
 * duplicate: the target overwrote or ignored the later copy, so it holds
 * fewer objects than the run sent.
 */
export interface AcknowledgementCounts {
  /** Every acknowledgement, those beyond the memory cap (`notKept`) included. */
  acknowledgedSends: number;
  /** Distinct SOP Instance UIDs among those kept. */
  distinctInstances: number;
  /** Instances acknowledged more than once. */
  acknowledgedMoreThanOnce: number;
  /** Acknowledgements beyond each instance's first. */
  extraAcknowledgements: number;
  /** The first `listLimit` instances acknowledged more than once, in the order their second acknowledgement came. */
  duplicateInstances: string[];
}

/** Counts the acknowledgements; `notKept` adds sends that were counted but not listed (they cannot be told apart). */
export function countAcknowledgements(instances: Iterable<AcknowledgedInstance>, notKept = 0, listLimit = VERIFY_LIST_LIMIT): AcknowledgementCounts {
  const timesSeen = new Map<string, number>();
  const counts: AcknowledgementCounts = { acknowledgedSends: notKept, distinctInstances: 0, acknowledgedMoreThanOnce: 0, extraAcknowledgements: 0, duplicateInstances: [] };
  for (const { sopInstanceUid } of instances) {
    counts.acknowledgedSends++;
    const times = (timesSeen.get(sopInstanceUid) ?? 0) + 1;
    timesSeen.set(sopInstanceUid, times);
    if (times === 1) continue;
    counts.extraAcknowledgements++;
    if (times > 2) continue;
    counts.acknowledgedMoreThanOnce++;
    if (counts.duplicateInstances.length < listLimit) counts.duplicateInstances.push(sopInstanceUid);
  }
  counts.distinctInstances = timesSeen.size;
  return counts;
}

/**
 * The full summary: what the target returned (`compareFound`) with the send
 * counts, whether duplicates were meant, and the result in words (`detail`).
 */
export function completeVerify(found: VerifySummary, counts: AcknowledgementCounts, duplicatesIntended: boolean): VerifySummary {
  return withVerifyDetail({ ...found, ...counts, duplicatesIntended });
}

/** The summary of a check that did not run (`error` says why): every acknowledged instance is not checked. */
export function uncheckedVerify(instances: readonly AcknowledgedInstance[], notKept: number, error: string, duplicatesIntended = false): VerifySummary {
  const found: VerifySummary = { checked: 0, missing: 0, missingInstances: [], notChecked: instances.length + notKept, error };
  return completeVerify(found, countAcknowledgements(instances, notKept), duplicatesIntended);
}
