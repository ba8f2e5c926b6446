/**
 * How one association ended, as data (docs/architecture.md section 3, point 5): the members of
 * `Outcome` (src/metrics/names.ts, the lowest layer) that DIMSE can produce.
 */
import type { Outcome } from '../../metrics/names.js';
import { classifyDimseStatus } from './status.js';

export type DimseOutcome = Exclude<Outcome, { kind: 'http-status' }>;

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
