/**
 * Guards for the numbers an executor is built from. The profile schema already
 * enforces them; these keep a library caller (or a schema bug) from getting a
 * silently wrong plan, such as NaN times or an endless loop on a negative rate.
 */
import { PacsLoadError } from '../errors.js';

/** Throws unless `value` is a safe integer >= 0 (durations, user and iteration counts). */
export function requireCount(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid(field, value, 'a whole number >= 0 (durations are integer microseconds)');
  }
}

/** Throws unless `value` is a finite rate >= 0 (operations per second). */
export function requireRate(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw invalid(field, value, 'a finite rate >= 0 per second');
  }
}

function invalid(field: string, value: number, expected: string): PacsLoadError {
  const message = `Executor setting ${field} is ${value}; it must be ${expected}.`;
  return new PacsLoadError('ERR_PROFILE_INVALID', message, {
    hint: `Set ${field} to ${expected} in the scenario's executor.`,
    problems: [{ path: field, message, fix: `use ${expected}` }],
  });
}

/** For a caller that asks for an arrival a schedule does not have: a bug, not a user error. */
export function indexOutOfRange(index: number, total: number): never {
  throw new PacsLoadError('ERR_INTERNAL', `Arrival index ${index} is outside 0..${total - 1}.`, {
    hint: 'This is a bug in pacs-load: a plan asked for an arrival its schedule does not have.',
  });
}
