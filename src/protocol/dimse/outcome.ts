/**
 * How one association ended, as data (docs/architecture.md section 3, point 5): the members of
 * `Outcome` (src/metrics/names.ts, the lowest layer) that DIMSE can produce.
 */
import type { Outcome } from '../../metrics/names.js';
import { classifyDimseStatus } from './status.js';

export type DimseOutcome = Exclude<Outcome, { kind: 'http-status' }>;

/**
 * The outcome of the final statuses of all requests on an association: the first
 * failure (a cancel counts as one), else the first warning, else ok. Its reason
 * is that response's Error Comment (0000,0902; PS3.7 Annex C), `comments[i]`
 * being the comment of `statuses[i]`, when the peer sent one.
 */
export function outcomeFromFinalStatuses(statuses: readonly number[], comments: readonly (string | undefined)[] = []): DimseOutcome {
  const failure = statuses.findIndex((status) => {
    const statusClass = classifyDimseStatus(status);
    return statusClass === 'failure' || statusClass === 'cancel' || statusClass === 'pending';
  });
  if (failure >= 0) return { kind: 'dimse-failure', status: statuses[failure] as number, ...commentOf(comments[failure]) };
  const warning = statuses.findIndex((status) => classifyDimseStatus(status) === 'warning');
  if (warning >= 0) return { kind: 'dimse-warning', status: statuses[warning] as number, ...commentOf(comments[warning]) };
  return { kind: 'ok' };
}

function commentOf(comment: string | undefined): { reason?: string } {
  const text = comment?.trim() ?? '';
  return text === '' ? {} : { reason: text };
}

/** The outcome of a socket error, by its Node.js error code; `reason` says where and what (the error's message). */
export function outcomeFromSocketError(code: string, reason?: string): DimseOutcome {
  const why = reason === undefined ? {} : { reason };
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused', ...why };
  // EPIPE is a reset seen while writing.
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'connection-reset', ...why };
  if (code === 'ETIMEDOUT') return { kind: 'timeout', ...why };
  return { kind: 'network-error', code, ...why };
}
