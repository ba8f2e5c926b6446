/**
 * Issue 8: execution segments split every scenario exactly between machines,
 * composed with the worker-thread split inside each machine.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutorSpec } from '../../../src/profile/types.js';
import { planScenario } from '../../../src/scheduler/index.js';
import type { ScenarioPlan, WorkerSegment } from '../../../src/scheduler/index.js';
import type { ExecutionSegment } from '../../../src/scheduler/segment-execution.js';
import {
  describeExecutionSegment,
  executionCountBelow,
  executionOwns,
  parseExecutionSegment,
} from '../../../src/scheduler/segment-execution.js';
import { countPositionsBelow, positionBelow } from '../../../src/scheduler/segment-position.js';
import { ownedIndices, ownsIndex, shareOfCount } from '../../../src/scheduler/segment.js';
import { storeStudyIdentity } from '../../../src/synth/store-study.js';
import { buildStowStudy } from '../../../src/synth/dicomweb-instances.js';
import { stationFor } from '../../../src/operations/mwl-find.js';
import { fixedSend } from '../../../src/synth/identity.js';

const SEC = 1_000_000;

const executors: ExecutorSpec[] = [
  { type: 'constant-arrival-rate', ratePerSec: 33.3, durationUs: 10 * SEC, maxInFlight: 20 },
  { type: 'constant-arrival-rate', ratePerSec: 0.2, durationUs: 60 * SEC, maxInFlight: 1 },
  {
    type: 'ramping-arrival-rate',
    startRatePerSec: 0,
    stages: [
      { durationUs: 2 * SEC, targetPerSec: 5 },
      { durationUs: 5 * SEC, targetPerSec: 40 },
      { durationUs: 3 * SEC, targetPerSec: 0 },
    ],
    maxInFlight: 200,
  },
  { type: 'breakpoint', startRatePerSec: 10, stepRatePerSec: 7.5, stepDurationUs: 2 * SEC, maxRatePerSec: 40, maxInFlight: 30, stopWhen: { p95Us: 500_000 } },
  { type: 'constant-concurrency', users: 10, durationUs: 5 * SEC },
  { type: 'constant-concurrency', users: 2, durationUs: 5 * SEC },
  {
    type: 'ramping-concurrency',
    startUsers: 1,
    stages: [
      { durationUs: 3 * SEC, targetUsers: 17 },
      { durationUs: 2 * SEC, targetUsers: 0 },
    ],
  },
  { type: 'iterations', iterations: 10, users: 5, maxDurationUs: 60 * SEC },
  { type: 'iterations', iterations: 10, users: 2, maxDurationUs: 60 * SEC },
  { type: 'iterations', iterations: 7, users: 20, maxDurationUs: 60 * SEC },
  { type: 'iterations', iterations: 1000, users: 13, maxDurationUs: 60 * SEC },
];

/** Every split under test: equal stripes, and uneven fractional cuts never declared together. */
const SPLITS: Array<{ name: string; segments: string[] }> = [
  ...[2, 3, 7, 8].map((n) => ({ name: `${n} stripes`, segments: Array.from({ length: n }, (_, k) => `${k + 1}/${n}`) })),
  ...[
    ['0', '0.5', '0.8', '1'],
    ['0', '1/3', '0.4', '0.9', '1'],
    ['0%', '12.5%', '25%', '60%', '61%', '100%'],
    ['0', '1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '1'],
  ].map((cuts) => ({ name: `fractions ${cuts.join(',')}`, segments: cuts.slice(1).map((to, k) => `${cuts[k]}:${to}`) })),
];

/** Worker threads per machine: the same everywhere, and different per machine. */
const WORKERS = [(_: number) => 1, (_: number) => 3, (machine: number) => 1 + (machine % 3)];

function workersOf(split: string[], workersPerMachine: (machine: number) => number): WorkerSegment[] {
  return split.flatMap((text, machine) => {
    const within = parseExecutionSegment(text);
    const count = workersPerMachine(machine);
    return Array.from({ length: count }, (_, index) => ({ index, count, within }));
  });
}

const open = (plan: ScenarioPlan) => {
  if (plan.model !== 'open') throw new Error('expected an open-model plan');
  return plan;
};
const closed = (plan: ScenarioPlan) => {
  if (plan.model !== 'closed') throw new Error('expected a closed-model plan');
  return plan;
};

/** The radical inverse in base 2, as a double (exact for the indices used here). */
function vanDerCorput(i: number): number {
  let value = 0;
  let weight = 0.5;
  for (let rest = i; rest > 0; rest = Math.floor(rest / 2), weight /= 2) value += (rest % 2) * weight;
  return value;
}

describe('item positions (van der Corput)', () => {
  it('compares and counts exactly like the brute force', () => {
    const fractions = [{ num: 0, den: 1 }, { num: 1, den: 3 }, { num: 1, den: 2 }, { num: 5, den: 8 }, { num: 7, den: 10 }, { num: 1, den: 1 }];
    for (const x of fractions) {
      let below = 0;
      for (let i = 0; i < 300; i++) {
        expect(positionBelow(i, x)).toBe(vanDerCorput(i) < x.num / x.den);
        expect(countPositionsBelow(i, x)).toBe(below);
        if (vanDerCorput(i) < x.num / x.den) below++;
      }
    }
  });
});

describe('parseExecutionSegment', () => {
  it('reads k/N as a 1-based stripe and a:b as a range in any notation', () => {
    expect(parseExecutionSegment('2/8')).toEqual({ kind: 'stripe', index: 1, count: 8 });
    expect(parseExecutionSegment('0.25:0.5')).toEqual({ kind: 'range', from: { num: 1, den: 4 }, to: { num: 1, den: 2 } });
    expect(parseExecutionSegment('25%:50%')).toEqual(parseExecutionSegment('1/4:2/4'));
    expect(parseExecutionSegment('0:1')).toEqual({ kind: 'stripe', index: 0, count: 1 });
    expect(describeExecutionSegment(parseExecutionSegment('0.25:0.5'))).toBe('1/4:1/2');
    expect(describeExecutionSegment(parseExecutionSegment('3/7'))).toBe('3/7');
  });

  it('refuses impossible segments with a usage error', () => {
    for (const bad of ['0/3', '4/3', '1/0', '0.5:0.5', '0.6:0.2', '0:1.5', 'half', '1:2:3', '-1:1', '0.5']) {
      expect(() => parseExecutionSegment(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }) as Error);
    }
  });
});

describe('execution segments split every scenario exactly', () => {
  for (const split of SPLITS) {
    const machines = split.segments.map(parseExecutionSegment);

    it(`${split.name}: every item has exactly one machine, and counts add up`, () => {
      for (const total of [0, 1, 5, 10, 99, 1000, 4097]) {
        let sum = 0;
        for (const machine of machines) sum += executionCountBelow(machine, total);
        expect(sum).toBe(total);
      }
      const owners = Array.from({ length: 2000 }, (_, i) => machines.filter((machine) => executionOwns(machine, i)).length);
      expect(owners.every((count) => count === 1)).toBe(true);
    });

    for (const workersPerMachine of WORKERS) {
      const workers = workersOf(split.segments, workersPerMachine);
      const label = `${split.name}, workers ${split.segments.map((_, m) => workersPerMachine(m)).join('+')}`;

      it(`${label}: the union of the segments' plans is the unsplit plan`, () => {
        for (const executor of executors) {
          const whole = planScenario(executor, { index: 0, count: 1 });
          const plans = workers.map((worker) => planScenario(executor, worker));
          if (whole.model === 'open') {
            const arrivals = plans.flatMap((plan) => [...open(plan).plan]).sort((a, b) => a.index - b.index);
            expect(arrivals).toEqual([...whole.plan]);
            expect(plans.reduce((sum, plan) => sum + open(plan).plan.count, 0)).toBe(whole.plan.count);
            for (const plan of plans) expect(open(plan).maxInFlight).toBeGreaterThanOrEqual(1);
          } else {
            for (let t = 0; t < whole.durationUs; t += whole.durationUs / 50) {
              const users = plans.reduce((sum, plan) => sum + closed(plan).usersAt(t), 0);
              expect(users, `${executor.type} users at ${t}`).toBe(whole.usersAt(t));
            }
            if (whole.iterations !== undefined) {
              const indices = plans.flatMap((plan) => [...(closed(plan).iterationIndices ?? [])]).sort((a, b) => a - b);
              expect(indices).toEqual([...(whole.iterationIndices ?? [])]);
              expect(plans.reduce((sum, plan) => sum + (closed(plan).iterations ?? 0), 0)).toBe(whole.iterations);
              // Iterations only go where users are, or they would be dropped.
              for (const plan of plans) if ((closed(plan).iterations ?? 0) > 0) expect(closed(plan).maxUsers).toBeGreaterThan(0);
            }
          }
        }
      });

      it(`${label}: open-ended closed-model numbering never gives one index to two workers`, () => {
        const seen = new Set<number>();
        const problems: string[] = [];
        for (const worker of workers) {
          let taken = 0;
          for (const i of ownedIndices(worker)) {
            if (seen.has(i)) problems.push(`index ${i} twice`);
            if (!ownsIndex(worker, i)) problems.push(`index ${i} not owned`);
            seen.add(i);
            if (++taken === 300) break;
          }
        }
        // The first indices are all covered (each worker took 300, the slowest share reaches far enough).
        for (let i = 0; i < 200; i++) if (!seen.has(i)) problems.push(`index ${i} missing`);
        expect(problems).toEqual([]);
      });
    }
  }

  it('stripes are balanced to one item and fractional shares to about log2(n)', () => {
    for (const n of [3, 7, 8]) {
      const shares = Array.from({ length: n }, (_, k) => executionCountBelow(parseExecutionSegment(`${k + 1}/${n}`), 1000));
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
    for (const [from, to] of [[0, 0.3], [0.3, 0.55], [0.55, 1]] as const) {
      const share = executionCountBelow(parseExecutionSegment(`${from}:${to}`), 10_000);
      expect(Math.abs(share - (to - from) * 10_000)).toBeLessThanOrEqual(Math.log2(10_000));
    }
  });

  it('composes a machine stripe with worker stripes into one global stripe (k + M w of M W)', () => {
    const within: ExecutionSegment = { kind: 'stripe', index: 1, count: 3 };
    const worker: WorkerSegment = { index: 2, count: 4, within };
    expect([...ownedIndices(worker, 60)]).toEqual([7, 19, 31, 43, 55]);
    expect(shareOfCount(60, worker)).toBe(5);
  });
});

describe('synthetic data never collides between segments', () => {
  for (const split of [SPLITS[1], SPLITS[3], SPLITS[5]]) {
    if (split === undefined) continue;
    it(`${split.name}: UIDs, patient IDs and accession numbers of the items each segment owns are unique`, () => {
      const executor: ExecutorSpec = { type: 'constant-arrival-rate', ratePerSec: 50, durationUs: 10 * SEC, maxInFlight: 10 };
      const now = new Date(2026, 0, 2, 3, 4, 5);
      const seen = { uid: new Set<string>(), patient: new Set<string>(), accession: new Set<string>(), stow: new Set<string>() };
      let items = 0;
      const stations: string[] = [];
      for (const worker of workersOf(split.segments, (machine) => 1 + (machine % 2))) {
        for (const arrival of open(planScenario(executor, worker)).plan) {
          items++;
          const study = storeStudyIdentity(fixedSend(1, 'dimse.store', arrival.index), now);
          seen.uid.add(study.studyInstanceUid);
          seen.patient.add(study.patientId);
          seen.accession.add(study.accessionNumber);
          const stow = buildStowStudy({ send: fixedSend(1, 'stow.study', arrival.index), instances: 2, modality: 'CT', studyDate: '20260102' });
          for (const instance of stow) seen.stow.add(instance.sopInstanceUid);
          stations[arrival.index] = stationFor(arrival.index, 7);
        }
      }
      expect(items).toBe(500);
      expect(seen.uid.size).toBe(items);
      expect(seen.patient.size).toBe(items);
      expect(seen.accession.size).toBe(items);
      expect(seen.stow.size).toBe(2 * items);
      // Stations follow the global index: the split run uses them exactly as the unsplit one.
      expect(stations).toEqual(Array.from({ length: 500 }, (_, i) => stationFor(i, 7)));
    });
  }
});
