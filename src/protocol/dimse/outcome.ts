/**
 * How one association ended, as data (DESIGN section 3, point 5).
 *
 * This union is a structural subset of `Outcome` in src/metrics/names.ts, so an
 * operation can hand it on unchanged; it is repeated here because protocol code
 * must not import metrics (DESIGN section 2, enforced by eslint.config.js).
 */
import { classifyDimseStatus } from './status.js';

export type DimseOutcome =
  | { kind: 'ok' }
  | { kind: 'dimse-warning'; status: number }
  | { kind: 'dimse-failure'; status: number }
  /** A-ASSOCIATE-RJ (PS3.8 section 9.3.4). */
  | { kind: 'association-rejected'; result: number; source: number; reason: number }
  /** A-ABORT from the peer, or the connection closed before every request had its final response. */
  | { kind: 'aborted' }
  | { kind: 'timeout' }
  | { kind: 'connection-refused' }
  | { kind: 'connection-reset' }
  | { kind: 'network-error'; code: string }
  | { kind: 'check-failed'; reason: string };

/**
 * The outcome of the final statuses of all requests on an association: the first
 * failure (a cancel counts as one), else the first warning, else ok.
 */
export function outcomeFromFinalStatuses(statuses: readonly number[]): DimseOutcome {
  const failure = statuses.find((status) => {
    const statusClass = classifyDimseStatus(status);
    return statusClass === 'failure' || statusClass === 'cancel' || statusClass === 'pending';
  });
  if (failure !== undefined) return { kind: 'dimse-failure', status: failure };
  const warning = statuses.find((status) => classifyDimseStatus(status) === 'warning');
  if (warning !== undefined) return { kind: 'dimse-warning', status: warning };
  return { kind: 'ok' };
}

/** The outcome of a socket error, by its Node.js error code. */
export function outcomeFromSocketError(code: string): DimseOutcome {
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused' };
  // EPIPE is a reset seen while writing.
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'connection-reset' };
  if (code === 'ETIMEDOUT') return { kind: 'timeout' };
  return { kind: 'network-error', code };
}
