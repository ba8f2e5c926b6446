/**
 * `--verify` (issue 3, item 4): after the load, asks the target whether every
 * instance it acknowledged as stored is really there, with one Study Root
 * C-FIND at IMAGE level per series (PS3.4 C.4.1, C.6.2.1.4) returning the SOP
 * Instance UIDs, and names what is missing. A target that acknowledges
 * C-STORE but then loses the instance (a full disk, a crashed ingest queue, a
 * database rollback) is exactly what this catches.
 *
 * The queries run a batch of series per association, one batch after the
 * other, so the check adds little load to a target that has just been tested.
 * A query that fails (refused, timeout, failure status) leaves its instances
 * "not checked", never "missing", and sets `error`: the run is not verified.
 *
 * A target with no DIMSE side (instances sent by STOW-RS to a DICOMweb-only
 * archive) is checked with QIDO-RS instead (verify-qido.ts), one series at a time.
 */
import type { VerifySummary } from '../metrics/types.js';
import type { AcknowledgedInstance } from '../operations/types.js';
import type { DimseConnection } from '../operations/dimse-target.js';
import type { DicomwebClient } from '../protocol/dicomweb/client.js';
import { runAssociation } from '../protocol/dimse/association.js';
import { createImageLevelFindRequest } from '../protocol/dimse/qr-requests.js';
import { classifyDimseStatus, formatDimseStatus, isPendingStatus } from '../protocol/dimse/status.js';
import { compareFound, completeVerify, tallyAcknowledged, type VerifyGroup } from './verify-compare.js';
import { searchInstancesByQido } from './verify-qido.js';

export interface VerifyStoredOptions {
  /**
   * The target's DIMSE side with its TLS and user identity resolved
   * (resolveDimseSecurity), so the check connects the way the load did;
   * undefined when the profile has none.
   */
  target: DimseConnection | undefined;
  /** Used when `target` is undefined: a client of the target's DICOMweb side, for QIDO-RS. The caller closes it. */
  dicomweb?: DicomwebClient | undefined;
  instances: Iterable<AcknowledgedInstance>;
  /** Instances acknowledged beyond the workers' memory cap: reported as not checked. */
  notKept: number;
  /**
   * The run sent the same instances again on purpose (a deliberate
   * duplicate-send test): instances acknowledged more than once are reported
   * as intended and do not fail verification. Default false: they fail it.
   */
  duplicatesIntended?: boolean;
  /** Series queried per association; default 16. */
  seriesPerAssociation?: number;
  signal?: AbortSignal;
}

const DEFAULT_SERIES_PER_ASSOCIATION = 16;

/**
 * Counts the sends, queries the target for each distinct instance and
 * compares. Resolves with the summary (with `error`
 * when a query failed); never rejects for a target failure.
 */
export async function verifyStored(options: VerifyStoredOptions): Promise<VerifySummary> {
  // Every send counts, duplicates included; the target is asked for each distinct instance once.
  const { groups, counts } = tallyAcknowledged(options.instances, options.notKept);
  const complete = (found: VerifySummary): VerifySummary => completeVerify(found, counts, options.duplicatesIntended === true);
  const { target } = options;
  if (groups.length === 0) return complete(compareFound([], [], options.notKept));
  if (target === undefined) {
    if (options.dicomweb !== undefined) return complete(await verifyByQido(options.dicomweb, groups, options.notKept, options.signal));
    return complete({ ...compareFound(groups, [], options.notKept), error: 'the profile has no DIMSE or DICOMweb target to query' });
  }
  const perAssociation = Math.max(1, options.seriesPerAssociation ?? DEFAULT_SERIES_PER_ASSOCIATION);
  const found: Array<Set<string> | undefined> = [];
  const errors: string[] = [];
  for (let first = 0; first < groups.length; first += perAssociation) {
    const batch = groups.slice(first, first + perAssociation);
    const answers = await queryBatch(target, batch, options.signal);
    found.push(...answers.found);
    if (answers.error !== undefined) errors.push(answers.error);
  }
  const summary = compareFound(groups, found, options.notKept);
  const failedQueries = found.filter((set) => set === undefined).length;
  if (failedQueries > 0) {
    summary.error = `${failedQueries} of ${groups.length} C-FIND queries failed (first: ${errors[0] ?? 'no answer'})`;
  }
  return complete(summary);
}

/** One QIDO-RS search per group, one after the other (the target has just been load-tested). */
async function verifyByQido(client: DicomwebClient, groups: readonly VerifyGroup[], notKept: number, signal: AbortSignal | undefined): Promise<VerifySummary> {
  const found: Array<Set<string> | undefined> = [];
  let firstError: string | undefined;
  for (const group of groups) {
    const result = await searchInstancesByQido(client, group, signal);
    found.push(result.found);
    firstError ??= result.error;
  }
  const summary = compareFound(groups, found, notKept);
  const failedQueries = found.filter((set) => set === undefined).length;
  if (failedQueries > 0) summary.error = `${failedQueries} of ${groups.length} QIDO-RS searches failed (first: ${firstError ?? 'no answer'})`;
  return summary;
}

/** One association, one IMAGE-level C-FIND per series of the batch. */
async function queryBatch(
  target: DimseConnection,
  batch: readonly VerifyGroup[],
  signal: AbortSignal | undefined,
): Promise<{ found: Array<Set<string> | undefined>; error: string | undefined }> {
  const association = await runAssociation({
    ...target,
    // Each query may return a series of hundreds of images: one operation's time per query.
    operationTimeoutUs: target.operationTimeoutUs * batch.length,
    requests: batch.map((group) => createImageLevelFindRequest(group.studyUid, group.seriesUid)),
    ...(signal === undefined ? {} : { signal }),
  });
  const found = batch.map(() => new Set<string>());
  const finalStatus: Array<number | undefined> = batch.map(() => undefined);
  for (const response of association.responses) {
    if (isPendingStatus(response.status)) {
      // PS3.4 C.4.1.1.3.2: each pending response carries one match.
      const uid = firstText(response.dataset?.getElements().SOPInstanceUID);
      if (uid !== undefined) found[response.requestIndex]?.add(uid);
    } else {
      finalStatus[response.requestIndex] = response.status;
    }
  }
  let error: string | undefined;
  const result = batch.map((_, index) => {
    const status = finalStatus[index];
    // Only a success ends a complete list of matches (PS3.4 C.4.1.1.4).
    if (status !== undefined && classifyDimseStatus(status) === 'success') return found[index];
    error ??= status === undefined ? `no answer (${association.outcome.kind})` : `status ${formatDimseStatus(status)}`;
    return undefined;
  });
  return { found: result, error };
}

/** A UI value as dcmjs gives it: a string, or an array whose first item is one. */
function firstText(value: unknown): string | undefined {
  const single: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof single !== 'string') return undefined;
  // UI values are padded with NUL to an even length (PS3.5 6.2); some readers keep it.
  const uid = single.replace(/[\0\s]+$/, '').trim();
  return uid === '' ? undefined : uid;
}
