/** Helpers for schema tests: a profile that must be valid, or the one problem at a path. */
import type { Problem } from '../../src/errors.js';
import { validateProfile } from '../../src/profile/schema.js';
import type { ResolvedProfile } from '../../src/profile/types.js';

/** Validates `raw` and returns the resolved profile; throws with every problem listed if it is invalid. */
export function valid(raw: unknown): ResolvedProfile {
  const result = validateProfile(raw);
  if (!result.ok) throw new Error(`expected a valid profile, got:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.profile;
}

/** The single problem reported at `path`; throws if the profile is valid or has none or several there. */
export function problemAt(raw: unknown, path: string): Problem {
  const result = validateProfile(raw);
  if (result.ok) throw new Error('expected problems, but the profile is valid');
  const matches = result.problems.filter((problem) => problem.path === path);
  if (matches.length !== 1) throw new Error(`expected one problem at "${path}", got:\n${JSON.stringify(result.problems, null, 2)}`);
  return matches[0]!;
}
