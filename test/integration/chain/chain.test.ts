/**
 * `operation: chain` against the embedded simulator's DIMSE SCP on 127.0.0.1,
 * through the worker's scenario runner (workers/scenario-runner.ts) and a real
 * MetricsRecorder: each step is a series of its own; the MPPS instance the
 * chain creates is the one it completes (the simulator's MPPS state machine
 * refuses an N-SET of an unknown instance with 0112); the study sent carries
 * the worklist item's Study Instance UID; a failed step ends the chain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import type { SeriesSnapshot } from '../../../src/metrics/types.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import type { OperationSetup, StepReport } from '../../../src/operations/types.js';
import type { OperationParams, ResolvedScenario } from '../../../src/profile/types.js';
import { systemClock } from '../../../src/scheduler/index.js';
import { startDimseSimulator, type RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist, type WorklistItem } from '../../../src/synth/worklist.js';
import { runScenario } from '../../../workers/scenario-runner.js';

const STATIONS = 3;
const STEPS = ['mwl.find', 'mpps.inProgress', 'dimse.store', 'mpps.completed'] as const;

let simulator: RunningDimseSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

/** A simulator with 3 stations x 4 CT items for today; `failing()` true makes every answer a failure from then on. */
async function start(failing: () => boolean = () => false): Promise<{ simulator: RunningDimseSimulator; worklist: WorklistItem[] }> {
  const worklist = buildWorklist({ stations: STATIONS, stepsPerStation: 4, date: localDicomDate(new Date()), seed: 7, modality: 'CT' });
  // errorRate 1 fails when random() < 1; 1 itself never fails.
  const faults = new FaultInjector({ ...NO_FAULTS, errorRate: 1 }, () => (failing() ? 0 : 1));
  simulator = await startDimseSimulator({ worklist, faults });
  faults.start();
  return { simulator, worklist };
}

function setup(sim: RunningDimseSimulator, params: Partial<OperationParams> = {}): OperationSetup {
  return {
    target: {
      dimse: { host: sim.host, port: sim.port, calledAe: sim.aeTitle, callingAe: 'PACSLOAD-TEST', connectTimeoutUs: 5_000_000, operationTimeoutUs: 10_000_000 },
      dicomweb: undefined,
    },
    params: { stations: STATIONS, modality: 'CT', expectItems: undefined, limit: undefined, images: 3, imageSizeBytes: 8_192, steps: [...STEPS], ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 11,
    env: {},
  };
}

/** Runs `iterations` chains through the scenario runner; returns the series recorded, by operation. */
async function runChains(operationSetup: OperationSetup, iterations: number): Promise<Map<string, SeriesSnapshot>> {
  const scenario: ResolvedScenario = {
    name: 'modality',
    operation: 'chain',
    executor: { type: 'iterations', iterations, users: 2, maxDurationUs: 30_000_000 },
    startAfterUs: 0,
    gracefulStopUs: 10_000_000,
    params: operationSetup.params,
  };
  const operation = createOperation('chain', operationSetup);
  const recorder = new MetricsRecorder();
  const acknowledged: string[] = [];
  try {
    await runScenario({
      scenario,
      operation,
      segment: { index: 0, count: 1 },
      clock: systemClock(Date.now()),
      recorder,
      stopSignal: new AbortController().signal,
      onAcknowledged: (instances) => acknowledged.push(...instances.map((instance) => instance.sopInstanceUid)),
    });
  } finally {
    await operation.close();
  }
  const snapshot = recorder.takeSnapshot(0, 0, 1);
  expect(snapshot.series.every((series) => series.scenario === 'modality')).toBe(true);
  return new Map(snapshot.series.map((series) => [series.operation, series]));
}

function count(series: SeriesSnapshot | undefined): number {
  return Object.values(series?.outcomes ?? {}).reduce((sum, value) => sum + value, 0);
}

describe('a chain scenario', () => {
  it('records the chain and each of its four steps, with equal counts, and completes the steps it created', async () => {
    const { simulator: sim, worklist } = await start();
    const series = await runChains(setup(sim), 6);

    expect([...series.keys()].sort()).toEqual(['chain', 'dimse.store', 'mpps.completed', 'mpps.inProgress', 'mwl.find']);
    for (const operation of ['chain', ...STEPS]) expect(series.get(operation)?.outcomes, operation).toEqual({ ok: 6 });
    // Every step and the chain have their latency histograms; bytes are counted on the steps only.
    for (const operation of ['chain', ...STEPS]) expect(decodeHistogram(series.get(operation)!.histograms.response!).totalCount).toBe(6);
    expect(series.get('chain')).toMatchObject({ bytesSent: 0, bytesReceived: 0, inFlight: 0 });
    expect(series.get('dimse.store')?.bytesSent).toBeGreaterThan(3 * 8_192 * 6);
    // Later steps are due when the previous one completed: no lag.
    expect(decodeHistogram(series.get('mpps.completed')!.histograms.lag!).maxValue).toBe(0);

    // The N-SETs completed the instances the N-CREATEs opened: any other would be refused (0112).
    expect(sim.mpps.stats()).toMatchObject({ creates: 6, sets: 6, completed: 6, inProgress: 0, refused: 0 });
    // The studies sent are the worklist items' studies.
    const patientOf = new Map(worklist.map((item) => [item.StudyInstanceUID, item.PatientID]));
    const stored = sim.storeIndex.studies();
    expect(stored).toHaveLength(6);
    for (const study of stored) {
      expect(patientOf.has(study.studyInstanceUid)).toBe(true);
      expect(study.patientId).toBe(patientOf.get(study.studyInstanceUid));
      expect(study.instances).toBe(3);
    }
  });

  it('stops at a step that finds nothing: later steps are not run and not recorded', async () => {
    const { simulator: sim } = await start();
    // The simulator's worklist has 3 stations; iterations of STATION004 find no item.
    const series = await runChains(setup(sim, { stations: 4 }), 8);
    expect(series.get('mwl.find')?.outcomes).toEqual({ ok: 6, check_failed: 2 });
    expect(series.get('chain')?.outcomes).toEqual({ ok: 6, check_failed: 2 });
    for (const operation of ['mpps.inProgress', 'dimse.store', 'mpps.completed']) expect(count(series.get(operation)), operation).toBe(6);
    expect(sim.mpps.stats()).toMatchObject({ creates: 6, completed: 6, inProgress: 0 });
  });

  it('stops at a refused step: the MPPS step stays in progress and is never completed', async () => {
    let failing = false;
    const { simulator: sim } = await start(() => failing);
    const chain = createOperation('chain', setup(sim));
    const reports: StepReport[] = [];
    try {
      const result = await chain.run({
        iteration: 0,
        signal: new AbortController().signal,
        onStep: (step) => {
          reports.push(step);
          // From the study send on, the target refuses everything.
          if (step.operation === 'mpps.inProgress') failing = true;
        },
      });
      expect(reports.map((step) => step.operation)).toEqual(['mwl.find', 'mpps.inProgress', 'dimse.store']);
      expect(reports.map((step) => outcomeKey(step.result.outcome))).toEqual(['ok', 'ok', expect.stringMatching(/^dimse_failure_/)]);
      expect(result.outcome).toEqual(reports[2]?.result.outcome);
    } finally {
      await chain.close();
    }
    expect(sim.mpps.stats()).toMatchObject({ creates: 1, sets: 0, inProgress: 1, completed: 0 });
  });
});
