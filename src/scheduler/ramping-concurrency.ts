/**
 * The `ramping-concurrency` executor (closed model, docs/architecture.md section 3 point 1): the
 * number of users starts at `startUsers` and, in each stage, changes linearly from
 * the previous target to the stage's `targetUsers` over its `durationUs`.
 *
 * At time t the scenario wants floor(linear interpolation) users, computed with
 * integers (exact). A worker runs its share of that number by the striping rule
 * (user u on worker u mod count, see segment.ts), so the workers' users always
 * add up to the scenario's number.
 */
import type { RampingConcurrency } from '../profile/types.js';
import { requireCount } from './spec-checks.js';
import type { UserSchedule } from './types.js';

export function rampingConcurrencySchedule(spec: RampingConcurrency): UserSchedule {
  requireCount(spec.startUsers, 'startUsers');
  spec.stages.forEach((stage, k) => {
    requireCount(stage.durationUs, `stages[${k}].durationUs`);
    requireCount(stage.targetUsers, `stages[${k}].targetUsers`);
  });

  const stages: Array<{ startUs: number; durationUs: number; fromUsers: number; toUsers: number }> = [];
  let startUs = 0;
  let fromUsers = spec.startUsers;
  for (const stage of spec.stages) {
    // A stage of zero duration is a jump: it has no time in which to be active.
    if (stage.durationUs > 0) stages.push({ startUs, durationUs: stage.durationUs, fromUsers, toUsers: stage.targetUsers });
    startUs += stage.durationUs;
    fromUsers = stage.targetUsers;
  }
  const durationUs = startUs;

  return {
    durationUs,
    // Only stages with time count: a target reached by a zero-length final jump is never active.
    maxUsers: stages.reduce((max, stage) => Math.max(max, stage.fromUsers, stage.toUsers), 0),
    usersAt(timeUs: number): number {
      if (!(timeUs >= 0 && timeUs < durationUs)) return 0;
      const stage = stages.find((candidate) => timeUs < candidate.startUs + candidate.durationUs);
      if (stage === undefined) return 0;
      const elapsedUs = Math.floor(timeUs) - stage.startUs;
      // from + (to - from) * elapsed / D, floored; the numerator is >= 0 and exact below 2^53.
      const numerator = stage.fromUsers * stage.durationUs + (stage.toUsers - stage.fromUsers) * elapsedUs;
      return Math.floor(numerator / stage.durationUs);
    },
  };
}
