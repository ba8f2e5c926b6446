/**
 * Sanity limits (issue 10, item 3): values no load test of a hospital's
 * systems needs, which are far more likely a typo (`rate: 2000000/s` for
 * `2000/s`, `duration: 5000h`) than an intent. The schema accepts them (they are
 * well formed); `run` and `validate` refuse them unless given `--force`, so a
 * slip of the keyboard cannot flood a production PACS or run for a year.
 *
 * The walk is generic over the executor's fields by their unit suffix, so a new
 * executor is covered without a change here: `...PerSec` is a rate, `...Us` a
 * duration, `users` / `targetUsers` / `maxInFlight` concurrency, `iterations` a count.
 * The `seedPriors` step is bounded by the bytes it would send.
 */
import type { Problem } from '../errors.js';
import { seedPixelBytes } from './seed-priors-schema.js';
import type { ResolvedProfile } from './types.js';

/** Per scenario. One machine tops out near 10,000 HTTP requests/s per worker; 50,000/s is no PACS's peak. */
export const MAX_RATE_PER_SEC = 50_000;
/** A week: longer than any soak test; the summary and memory are sized for hours, not months. */
export const MAX_DURATION_US = 7 * 24 * 3600 * 1_000_000;
/** Concurrent users or operations in flight per scenario: each may hold a socket. */
export const MAX_CONCURRENCY = 10_000;
export const MAX_ITERATIONS = 100_000_000;
/** `seedPriors`: pixel data sent before the load; more is an archive migration, not a seeding step (10 CT studies are 3.6 GB). */
export const MAX_SEED_BYTES = 50e9;

const FORCE_FIX = 'lower it, or pass --force if you really mean it';

/** Every value of the profile beyond a sanity limit, as problems with their profile paths. */
export function sanityLimitProblems(profile: ResolvedProfile): Problem[] {
  const problems: Problem[] = [];
  for (const scenario of profile.scenarios) {
    const base = `scenarios.${scenario.name}`;
    walk(scenario.executor as unknown as Record<string, unknown>, base, problems);
    check(problems, `${base}.startAfter`, 'startAfterUs', scenario.startAfterUs);
    const totalStageUs = stagesDurationUs(scenario.executor as unknown as Record<string, unknown>);
    if (totalStageUs > MAX_DURATION_US) {
      problems.push({
        path: `${base}.stages`,
        message: `the stages last ${formatHours(totalStageUs)} in all, above the limit of ${formatHours(MAX_DURATION_US)}`,
        fix: FORCE_FIX,
      });
    }
  }
  if (profile.seedPriors !== undefined && seedPixelBytes(profile.seedPriors) > MAX_SEED_BYTES) {
    problems.push({
      path: 'seedPriors',
      message: `the priors to seed hold ${formatGigabytes(seedPixelBytes(profile.seedPriors))} of pixel data, above the limit of ${formatGigabytes(MAX_SEED_BYTES)}`,
      fix: 'seed fewer patients or studies, or smaller ones (`images`, `imageSize`), or pass --force if you really mean it',
    });
  }
  return problems;
}

function formatGigabytes(bytes: number): string {
  return `${Number((bytes / 1e9).toPrecision(4))} GB`;
}

function walk(object: Record<string, unknown>, path: string, problems: Problem[]): void {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'number') check(problems, `${path}.${profileKey(key)}`, key, value);
    else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'object' && item !== null) walk(item as Record<string, unknown>, `${path}.${profileKey(key)}.${index}`, problems);
      });
    } else if (typeof value === 'object' && value !== null) walk(value as Record<string, unknown>, `${path}.${profileKey(key)}`, problems);
  }
}

function check(problems: Problem[], path: string, key: string, value: number): void {
  if (key.endsWith('PerSec') && value > MAX_RATE_PER_SEC) {
    problems.push({ path, message: `${value}/s is above the limit of ${MAX_RATE_PER_SEC}/s per scenario`, fix: FORCE_FIX });
  } else if (key.endsWith('Us') && value > MAX_DURATION_US) {
    problems.push({ path, message: `${formatHours(value)} is above the limit of ${formatHours(MAX_DURATION_US)}`, fix: FORCE_FIX });
  } else if ((key === 'users' || key === 'targetUsers' || key === 'maxInFlight') && value > MAX_CONCURRENCY) {
    problems.push({ path, message: `${value} is above the limit of ${MAX_CONCURRENCY} concurrent operations per scenario`, fix: FORCE_FIX });
  } else if (key === 'iterations' && value > MAX_ITERATIONS) {
    problems.push({ path, message: `${value} iterations is above the limit of ${MAX_ITERATIONS}`, fix: FORCE_FIX });
  }
}

function stagesDurationUs(executor: Record<string, unknown>): number {
  const stages = executor['stages'];
  if (!Array.isArray(stages)) return 0;
  return stages.reduce((sum: number, stage: unknown) => sum + (((stage as { durationUs?: unknown }).durationUs as number | undefined) ?? 0), 0);
}

/** The profile's name of a resolved field: `ratePerSec` -> `rate`, `durationUs` -> `duration`. */
function profileKey(key: string): string {
  return key.replace(/PerSec$/, '').replace(/Us$/, '');
}

function formatHours(durationUs: number): string {
  return `${Number((durationUs / 3_600_000_000).toPrecision(4))} h`;
}
