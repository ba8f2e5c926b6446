/**
 * The soak's verdicts (bench/soak-resources.ts, bench/soak-checks.ts) on
 * made-up samples and counts: a flat run passes, a leak or a lost request
 * fails, a short run is not judged. Pure functions, no processes.
 */
import { describe, expect, it } from 'vitest';
import { judgeResources, leastSquaresSlope, type ProcessSample } from '../../../bench/soak-resources.js';
import { soakCountChecks } from '../../../bench/soak-checks.js';
import type { OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import type { SimulatorStats } from '../../../src/simulator/index.js';

/** Samples every 10 s for `seconds`, RSS from `rssKiBAt`, fds from `fdsAt`. */
function samples(seconds: number, rssKiBAt: (at: number) => number, fdsAt: (at: number) => number): ProcessSample[] {
  const result: ProcessSample[] = [];
  for (let at = 0; at <= seconds; at += 10) result.push({ atSeconds: at, rssKiB: rssKiBAt(at), hwmKiB: rssKiBAt(at) + 1024, fds: fdsAt(at) });
  return result;
}

describe('judgeResources', () => {
  it('computes the slope by least squares', () => {
    expect(leastSquaresSlope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
  });

  it('passes a 30-minute run whose memory and fds stay flat (a sawtooth is not a slope)', () => {
    const figures = judgeResources(samples(1800, (at) => 300_000 + (at % 60) * 100, () => 60), 1800, 32);
    expect(figures.memoryVerdict).toBe('pass');
    expect(figures.fdVerdict).toBe('pass');
    expect(Math.abs(figures.rssSlopeMiBPer10Min)).toBeLessThan(1);
  });

  it('fails a leak of 20 MiB per 10 minutes and a descriptor per second', () => {
    const figures = judgeResources(samples(1800, (at) => 300_000 + (at * 20 * 1024) / 600, (at) => 60 + at), 1800, 32);
    expect(figures.memoryVerdict).toBe('fail');
    expect(figures.rssSlopeMiBPer10Min).toBeCloseTo(20, 0);
    expect(figures.fdVerdict).toBe('fail');
  });

  it('does not judge a short run, but still gives its figures', () => {
    const figures = judgeResources(samples(60, (at) => 300_000 + at * 1000, () => 60), 60, 32);
    expect(figures.memoryVerdict).toBe('not-judged');
    expect(figures.fdVerdict).toBe('not-judged');
    expect(figures.samples).toBe(7);
    expect(figures.rssEndMiB).toBeGreaterThan(figures.rssStartMiB);
  });
});

function operation(name: string, completed: number, outcomes: Record<string, number>, requests = completed): OperationSummary {
  const failed = Object.entries(outcomes)
    .filter(([key]) => key !== 'ok')
    .reduce((sum, [, count]) => sum + count, 0);
  return { scenario: name, operation: name, completed, failed, succeeded: completed - failed, outcomes, requests, dropped: 0 } as OperationSummary;
}

interface Counts {
  findRequests?: number;
  associations?: number;
  storeRequests?: number;
  mppsCreates?: number;
  dimseErrorRate?: number;
  requestsServed?: number;
  http503?: number;
  httpErrorRate?: number;
}

/** Simulator counters; every count absent is 0. */
function stats(counts: Counts): SimulatorStats {
  return {
    dimse: {
      associationsAccepted: counts.associations ?? 0,
      associationsRejected: 0,
      findRequests: counts.findRequests ?? 0,
      storeRequests: counts.storeRequests ?? 0,
      failuresInjected: counts.dimseErrorRate ?? 0,
      errorRateFailures: counts.dimseErrorRate ?? 0,
      mpps: { creates: counts.mppsCreates ?? 0, sets: 0, refused: 0 },
      injectedFaults: {},
    },
    dicomweb: {
      requestsServed: counts.requestsServed ?? 0,
      errorRateFailures: counts.httpErrorRate ?? 0,
      throttled: 0,
      injectedFaults: counts.http503 === undefined ? {} : { http503: counts.http503 },
    },
  } as unknown as SimulatorStats;
}

const ZERO = stats({});

/** What the simulator counts for `summary(200)`: 200 + 10 + 2 associations, 4 images, 150 HTTP requests, 3 503s. */
function final(overrides: Counts = {}): SimulatorStats {
  return stats({
    findRequests: 200,
    associations: 212,
    storeRequests: 4,
    mppsCreates: 10,
    dimseErrorRate: 1,
    requestsServed: 150,
    http503: 2,
    httpErrorRate: 1,
    ...overrides,
  });
}

function summary(mwlCompleted: number): RunSummary {
  return {
    operations: [
      operation('mwl.find', mwlCompleted, { ok: mwlCompleted - 1, dimse_failure_a700: 1 }),
      operation('mpps.inProgress', 10, { ok: 10 }),
      operation('dimse.store', 2, { ok: 2 }, 4),
      operation('qido.studies', 100, { ok: 97, http_503: 3 }),
      operation('wado.frames', 50, { ok: 50 }),
    ],
  } as unknown as RunSummary;
}

describe('soakCountChecks', () => {
  it('passes when every count matches the simulator', () => {
    const checks = soakCountChecks({ summary: summary(200), baseline: ZERO, final: final(), imagesPerStudy: 2 });
    for (const check of checks) expect(check.passed, `${check.name}: ${check.run} vs ${check.simulator}`).toBe(true);
  });

  it('fails when the simulator received a C-FIND the run did not count', () => {
    const checks = soakCountChecks({ summary: summary(200), baseline: ZERO, final: final({ findRequests: 201 }), imagesPerStudy: 2 });
    expect(checks.find((check) => check.name.startsWith('mwl.find'))!.passed).toBe(false);
  });

  it('fails when the run counted more 503s than were injected', () => {
    const checks = soakCountChecks({ summary: summary(200), baseline: ZERO, final: final({ http503: 1 }), imagesPerStudy: 2 });
    expect(checks.find((check) => check.name.includes('http_503'))!.passed).toBe(false);
  });

  it('counts from the baseline: what happened before time zero is left out', () => {
    const baseline = stats({ requestsServed: 40 });
    const checks = soakCountChecks({ summary: summary(200), baseline, final: final({ requestsServed: 190 }), imagesPerStudy: 2 });
    expect(checks.find((check) => check.name.startsWith('DICOMweb: requests'))).toMatchObject({ run: 150, simulator: 150, passed: true });
  });
});
