import { describe, expect, it } from 'vitest';
import { describeProfile, describeScenario, describeThreshold } from '../../../src/profile/describe.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { ResolvedScenario } from '../../../src/profile/types.js';

function scenario(fields: Partial<ResolvedScenario> & Pick<ResolvedScenario, 'executor'>): ResolvedScenario {
  return {
    name: 's',
    operation: 'dimse.echo',
    startAfterUs: 0,
    gracefulStopUs: 30_000_000,
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
    ...fields,
  };
}

describe('describeScenario', () => {
  it('describes a constant arrival rate with the worklist parameters', () => {
    const text = describeScenario(
      scenario({
        name: 'worklist',
        operation: 'mwl.find',
        executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationUs: 300_000_000, maxInFlight: 200 },
        params: { stations: 200, modality: 'CT', expectItems: undefined, limit: undefined },
      }),
    );
    expect(text).toBe('worklist: mwl.find at 40/s for 5m (max 200 in flight), 200 stations, modality CT');
  });

  it('describes a ramping arrival rate', () => {
    const text = describeScenario(
      scenario({
        name: 'mwl',
        executor: {
          type: 'ramping-arrival-rate',
          startRatePerSec: 5,
          stages: [
            { durationUs: 120_000_000, targetPerSec: 5 },
            { durationUs: 300_000_000, targetPerSec: 40 },
          ],
          maxInFlight: 100,
        },
      }),
    );
    expect(text).toBe('mwl: dimse.echo 5/s -> 40/s over 7m in 2 stages (max 100 in flight)');
  });

  it('names the peak of a ramp that comes back down', () => {
    const text = describeScenario(
      scenario({
        executor: {
          type: 'ramping-arrival-rate',
          startRatePerSec: 0,
          stages: [
            { durationUs: 60_000_000, targetPerSec: 50 },
            { durationUs: 60_000_000, targetPerSec: 0 },
          ],
          maxInFlight: 100,
        },
      }),
    );
    expect(text).toContain('0/s -> 0/s over 2m in 2 stages, peak 50/s');
  });

  it('describes concurrency, ramping concurrency and iterations', () => {
    expect(
      describeScenario(
        scenario({
          name: 'reading',
          operation: 'qido.studies',
          executor: { type: 'constant-concurrency', users: 60, durationUs: 420_000_000 },
          params: { stations: 1, modality: 'CT', expectItems: undefined, limit: 100 },
        }),
      ),
    ).toBe('reading: qido.studies with 60 users for 7m, modality CT, limit 100');
    expect(
      describeScenario(scenario({ executor: { type: 'ramping-concurrency', startUsers: 0, stages: [{ durationUs: 60_000_000, targetUsers: 20 }] } })),
    ).toBe('s: dimse.echo 0 -> 20 users over 1m in 1 stage');
    expect(
      describeScenario(
        scenario({ executor: { type: 'iterations', iterations: 100, users: 1, maxDurationUs: 600_000_000 }, startAfterUs: 30_000_000 }),
      ),
    ).toBe('s: dimse.echo 100 iterations with 1 user (at most 10m), starts after 30s');
  });

  it('mentions the expected item count of a worklist query', () => {
    const text = describeScenario(
      scenario({
        operation: 'mwl.find',
        executor: { type: 'constant-arrival-rate', ratePerSec: 0.2, durationUs: 15_000_000, maxInFlight: 1 },
        params: { stations: 1, modality: 'MR', expectItems: 5, limit: undefined },
      }),
    );
    expect(text).toBe('s: mwl.find at 0.2/s for 15s (max 1 in flight), 1 station, modality MR, expects 5 items');
  });
});

describe('describeThreshold', () => {
  it('shows the expression and whether it aborts the run', () => {
    const expression = { source: 'p95 < 500ms', metric: 'p95', comparator: '<', value: 500_000 } as const;
    expect(describeThreshold({ subject: 'mwl.find', expression, abortOnFail: false, delayAbortEvalUs: 0 })).toBe('mwl.find: p95 < 500ms');
    expect(describeThreshold({ subject: 'mwl.find', expression, abortOnFail: true, delayAbortEvalUs: 0 })).toBe(
      'mwl.find: p95 < 500ms (aborts the run)',
    );
    expect(describeThreshold({ subject: 'mwl.find', expression, abortOnFail: true, delayAbortEvalUs: 60_000_000 })).toBe(
      'mwl.find: p95 < 500ms (aborts the run, after 1m)',
    );
  });
});

describe('describeProfile', () => {
  it('describes a profile against the embedded simulator', () => {
    const profile = parseProfileText(
      `
name: demo
description: a demo
simulator: { latency: 20ms, jitter: 5ms, errorRate: 1%, stallAt: 10s, stallFor: 2s, maxAssociations: 8 }
scenarios:
  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 15s }
thresholds:
  dimse.echo: ["p99 < 250ms"]
`,
      'demo.yaml',
    );
    expect(describeProfile(profile)).toEqual([
      'demo: a demo',
      'target: embedded simulator (10 stations x 5 steps, 50 studies, latency 20ms + up to 5ms, 1% errors, stall 2s at 10s, max 8 associations)',
      'scenarios:',
      '  echo: dimse.echo at 20/s for 15s (max 100 in flight)',
      'thresholds:',
      '  dimse.echo: p99 < 250ms',
    ]);
  });

  it('describes a target', () => {
    const profile = parseProfileText(
      `
name: remote
target:
  dimse: { host: pacs.test, port: 104, calledAe: PACS }
  dicomweb: { baseUrl: https://pacs.test/dicom-web, auth: { username: load, passwordEnv: PW } }
scenarios:
  q: { operation: qido.studies, executor: constant-concurrency, users: 2, duration: 1m }
`,
      'remote.yaml',
    );
    expect(describeProfile(profile)).toEqual([
      'remote',
      'target dimse: PACS@pacs.test:104 (calling AE PACSLOAD)',
      'target dicomweb: https://pacs.test/dicom-web (16 connections per worker, basic auth as load)',
      'scenarios:',
      '  q: qido.studies with 2 users for 1m, modality CT',
    ]);
  });
});
