/**
 * The retrieval counters (issue 14, item 5): C-FIND/QIDO results found
 * (`matches`) and instances retrieved. Only retrievals carry them, so they are
 * summed where present and stay absent elsewhere: a dimse.store series shows
 * no "0 matches".
 */

/** Adds a snapshot's retrieval counters to a point, leaving them absent for operations that retrieve nothing. */
export function addRetrieved(target: { matches?: number; instancesRetrieved?: number }, part: { matches?: number | undefined; instancesRetrieved?: number | undefined }): void {
  if (part.matches !== undefined) target.matches = (target.matches ?? 0) + part.matches;
  if (part.instancesRetrieved !== undefined) target.instancesRetrieved = (target.instancesRetrieved ?? 0) + part.instancesRetrieved;
}
