/**
 * The `iterations` executor (closed model, docs/architecture.md section 3 point 1): `iterations`
 * operations in total, shared by `users` users; each user takes the next
 * iteration when its previous one ends. The scenario ends when all are done, or
 * at `maxDurationUs`, when the ones not started count as dropped.
 *
 * Split between workers, exactly (docs/architecture.md section 3 point 7):
 * - users by the striping rule: user u runs on worker u mod workerCount;
 * - iterations by the same rule, but only over the workers that run at least one
 *   user. With U users and W workers those are workers 0 .. min(U, W) - 1, so
 *   iteration i belongs to worker i mod min(U, W), and workers with no user get
 *   no iteration. Nothing is lost when U < W, and the shares sum to `iterations`.
 * Within a worker, its users share its iterations: whichever user is free takes
 * the worker's next iteration index.
 * With an execution segment (`within`, another machine's share of a split run,
 * segment-execution.ts) the instance first takes its iterations (only
 * instances with users get any: iterationSegment), then its workers with
 * users stripe those by rank, by the same rules.
 */
import { PacsLoadError } from '../errors.js';
import type { Iterations } from '../profile/types.js';
import type { WorkerSegment } from './segment.js';
import { assertSegment, ownedIndices, shareOfCount, shareOfUsers } from './segment.js';
import { executionCountBelow, iterationSegment } from './segment-execution.js';
import { requireCount } from './spec-checks.js';
import type { UserSchedule } from './types.js';

export function iterationsSchedule(spec: Iterations): UserSchedule {
  checkIterations(spec);
  const { users, maxDurationUs } = spec;
  return {
    durationUs: maxDurationUs,
    maxUsers: users,
    usersAt: (timeUs) => (timeUs >= 0 && timeUs < maxDurationUs ? users : 0),
  };
}

/** How many workers get iterations: those that run a user, min(users, workerCount). */
export function iterationWorkerCount(spec: Iterations, workerCount: number): number {
  return Math.min(spec.users, workerCount);
}

/** How many iterations this segment runs (0 for a worker without users). */
export function iterationsShare(spec: Iterations, segment: WorkerSegment): number {
  checkIterations(spec);
  assertSegment(segment);
  const sharing = iterationStripe(spec, segment);
  return sharing === undefined ? 0 : shareOfCount(spec.iterations, sharing);
}

/**
 * The stripe of iterations this worker takes, or undefined when it runs no user.
 * Within an execution segment (another machine's share, segment-execution.ts)
 * the instance first takes its iterations (iterationSegment: only instances
 * with users get any), then its workers with users stripe those by rank.
 */
function iterationStripe(spec: Iterations, segment: WorkerSegment): WorkerSegment | undefined {
  if (segment.within === undefined) {
    const sharingWorkers = iterationWorkerCount(spec, segment.count);
    return segment.index < sharingWorkers ? { index: segment.index, count: sharingWorkers } : undefined;
  }
  const instanceUsers = executionCountBelow(segment.within, spec.users);
  const sharingWorkers = Math.min(instanceUsers, segment.count);
  if (segment.index >= sharingWorkers) return undefined;
  return { index: segment.index, count: sharingWorkers, within: iterationSegment(segment.within, spec.users) };
}

/** How many of the scenario's users this segment runs (user u on worker u mod count). */
export function iterationUsersShare(spec: Iterations, segment: WorkerSegment): number {
  return shareOfUsers(spec.users, segment);
}

/** The global iteration indices this segment runs, ascending (re-iterable). */
export function iterationIndices(spec: Iterations, segment: WorkerSegment): Iterable<number> {
  checkIterations(spec);
  assertSegment(segment);
  const sharing = iterationStripe(spec, segment);
  return sharing === undefined ? [] : ownedIndices(sharing, spec.iterations);
}

function checkIterations(spec: Iterations): void {
  requireCount(spec.iterations, 'iterations');
  requireCount(spec.users, 'users');
  requireCount(spec.maxDurationUs, 'maxDurationUs');
  if (spec.users === 0 && spec.iterations > 0) {
    const message = `The iterations executor has ${spec.iterations} iterations but no users to run them.`;
    throw new PacsLoadError('ERR_PROFILE_INVALID', message, {
      hint: 'Set users to 1 or more.',
      problems: [{ path: 'users', message, fix: 'use users >= 1' }],
    });
  }
}
