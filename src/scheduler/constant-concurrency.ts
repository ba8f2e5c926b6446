/**
 * The `constant-concurrency` executor (closed model, docs/architecture.md section 3 point 1):
 * `users` users, each running one operation after another, for `durationUs`.
 * There is no queueing in a closed model: a user's next operation starts when its
 * previous one ends, so the offered load follows the target's speed.
 */
import type { ConstantConcurrency } from '../profile/types.js';
import { requireCount } from './spec-checks.js';
import type { UserSchedule } from './types.js';

export function constantConcurrencySchedule(spec: ConstantConcurrency): UserSchedule {
  requireCount(spec.users, 'users');
  requireCount(spec.durationUs, 'durationUs');
  const { users, durationUs } = spec;
  return {
    durationUs,
    maxUsers: users,
    usersAt: (timeUs) => (timeUs >= 0 && timeUs < durationUs ? users : 0),
  };
}
