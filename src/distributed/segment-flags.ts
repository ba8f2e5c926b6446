/**
 * Which execution segment an instance runs, from its flags (issue 8):
 * `--segment k/N | a:b`, or `--segment-from-env N`, which reads the 0-based
 * index Kubernetes gives each pod of an Indexed Job (JOB_COMPLETION_INDEX) and
 * runs segment index+1 of N.
 */
import { PacsLoadError } from '../errors.js';
import type { ExecutionSegment } from '../scheduler/segment-execution.js';
import { parseExecutionSegment } from '../scheduler/segment-execution.js';

/** The variable Kubernetes sets in each pod of an Indexed Job (0 .. completions-1). */
export const JOB_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/**
 * The segment the flags ask for, or undefined for the whole run. `env` is
 * consulted only for `--segment-from-env`. Throws ERR_USAGE when both flags
 * are given, the count is not a whole number, or the variable is missing or
 * out of range.
 */
export function segmentFromFlags(
  flags: { segment?: string; segmentFromEnv?: string },
  env: Readonly<Record<string, string | undefined>>,
): ExecutionSegment | undefined {
  if (flags.segment !== undefined && flags.segmentFromEnv !== undefined) {
    throw usage('--segment and --segment-from-env cannot be used together', 'Give one: --segment 2/8, or --segment-from-env 8 in a Kubernetes Indexed Job.');
  }
  if (flags.segment !== undefined) return parseExecutionSegment(flags.segment);
  if (flags.segmentFromEnv === undefined) return undefined;
  const count = Number(flags.segmentFromEnv);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw usage(`--segment-from-env ${flags.segmentFromEnv}: the number of segments must be a whole number of at least 1`, 'Pass the Job\'s completions, e.g. --segment-from-env 8.');
  }
  const raw = env[JOB_INDEX_ENV];
  const index = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw usage(
      raw === undefined ? `--segment-from-env: ${JOB_INDEX_ENV} is not set` : `--segment-from-env ${count}: ${JOB_INDEX_ENV}=${raw} is not an index from 0 to ${count - 1}`,
      `Run in a Kubernetes Job with completionMode: Indexed and completions: ${count}, or set ${JOB_INDEX_ENV} yourself (0-based).`,
    );
  }
  return parseExecutionSegment(`${index + 1}/${count}`);
}

function usage(message: string, hint: string): PacsLoadError {
  return new PacsLoadError('ERR_USAGE', message, { hint });
}
