/**
 * One error class for everything pacs-load reports to a user (docs/architecture.md section 8).
 *
 * Errors are matched by their stable `code`, never by message text. Every error
 * carries a `hint` that tells the user what to do next. Errors cross the worker
 * boundary as plain data (`toErrorData` / `fromErrorData`), because structured
 * clone drops the prototype of class instances.
 */

/** Process exit codes, the only table of them (k6 uses 99 for failed thresholds). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidProfile: 3,
  preflightFailed: 4,
  /** `--influx-required` (or another required output): points were dropped, so the run's record is incomplete. */
  outputIncomplete: 97,
  /** `--verify`: an acknowledged instance is missing from the target, one was acknowledged more than once unintentionally, or the check could not run (data loss outranks slowness: wins over 99). */
  verifyFailed: 98,
  thresholdsFailed: 99,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes, each with the exit code the CLI ends with when it is fatal. */
export const ErrorCodes = {
  ERR_INTERNAL: ExitCode.internal,
  ERR_USAGE: ExitCode.usage,
  ERR_FILE_NOT_FOUND: ExitCode.usage,
  ERR_FILE_WRITE: ExitCode.usage,
  ERR_PROFILE_PARSE: ExitCode.invalidProfile,
  ERR_PROFILE_INVALID: ExitCode.invalidProfile,
  ERR_TARGET_UNREACHABLE: ExitCode.preflightFailed,
  ERR_PREFLIGHT_FAILED: ExitCode.preflightFailed,
  ERR_WORKER_FAILED: ExitCode.internal,
  ERR_SIMULATOR_START: ExitCode.internal,
  /** A required output (`--influx-required`) cannot reach its destination before the load starts. */
  ERR_OUTPUT_UNREACHABLE: ExitCode.preflightFailed,
  /** A summary or other input file is not what the command expects (corrupt, foreign, wrong version). */
  ERR_INPUT_INVALID: ExitCode.invalidProfile,
  /** `--start-at` passed before this instance's workers were ready: it would start out of step with the others. */
  ERR_START_MISSED: ExitCode.usage,
  /** A worklist item of the target lacks the synthetic marking (src/synth/marking.ts) and `--allow-unmarked-data` was not given. */
  ERR_UNMARKED_DATA: ExitCode.usage,
  /** The installed dcmjs-dimse is not the one our fixes were written for, so DIMSE work is refused before it starts. */
  ERR_DIMSE_LIBRARY: ExitCode.preflightFailed,
  /** `seedPriors`: the target stored none of the prior studies sent before time zero (a target that cannot be loaded, like a failed preflight). */
  ERR_SEED_FAILED: ExitCode.preflightFailed,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** One problem found in an input; a profile error lists all of them at once. */
export interface Problem {
  /** Where: a dotted path into the profile (`scenarios.worklist.rate`), or '' for the whole input. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
}

export interface PacsLoadErrorOptions {
  hint: string;
  cause?: unknown;
  problems?: Problem[];
}

export class PacsLoadError extends Error {
  override readonly name = 'PacsLoadError';
  readonly code: ErrorCode;
  readonly hint: string;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, options: PacsLoadErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }

  get exitCode(): ExitCode {
    return ErrorCodes[this.code];
  }
}

export function isPacsLoadError(value: unknown): value is PacsLoadError {
  return value instanceof PacsLoadError;
}

/** The plain-data form of an error, safe to post between threads. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  hint: string;
  problems: Problem[];
  /** Stack of an unexpected error, kept for `--verbose`, never shown by default. */
  stack?: string;
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof PacsLoadError) {
    return { code: error.code, message: error.message, hint: error.hint, problems: error.problems };
  }
  const message = error instanceof Error ? error.message : String(error);
  const data: ErrorData = {
    code: 'ERR_INTERNAL',
    message,
    hint: 'This is a bug in pacs-load; please report it with the profile and the command you ran.',
    problems: [],
  };
  if (error instanceof Error && error.stack !== undefined) data.stack = error.stack;
  return data;
}

export function fromErrorData(data: ErrorData): PacsLoadError {
  return new PacsLoadError(data.code, data.message, { hint: data.hint, problems: data.problems });
}
