/**
 * Issue 14, item 5, against the embedded DICOMweb simulator on 127.0.0.1
 * (port 0): the QIDO, WADO and viewer operations record what they retrieved
 * (matches, instances), equal to what the simulator holds, and a modality the
 * simulator holds no study of gives nothing: `empty`, or ok with
 * `expectMatches: false`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OperationName } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import type { Operation, OperationResult, OperationSetup } from '../../../src/operations/types.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildStudies, StudyTag, type DicomJsonObject } from '../../../src/synth/studies.js';

/** Two small CR studies of today (1-2 series, 1-4 images each), so every count is checked by summing every answer. */
const STUDIES = buildStudies({ count: 2, seed: 5, date: localDicomDate(new Date()), modalityMix: { CR: 1 } });
const SERIES_TOTAL = STUDIES.reduce((sum, study) => sum + numberOf(study, StudyTag.NumberOfStudyRelatedSeries), 0);
const INSTANCES_TOTAL = STUDIES.reduce((sum, study) => sum + numberOf(study, StudyTag.NumberOfStudyRelatedInstances), 0);
/** A modality the simulator holds no study of. */
const UNKNOWN_MODALITY = 'XA';

function numberOf(study: DicomJsonObject, tag: string): number {
  return Number(study[tag]?.Value?.[0]);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<RunningDicomwebSimulator> {
  const sim = await startDicomwebSimulator({ studies: STUDIES, faults: new FaultInjector({ ...NO_FAULTS }) });
  cleanups.push(() => sim.close());
  return sim;
}

function operation(name: OperationName, baseUrl: string, params: Partial<OperationSetup['params']> = {}): Operation {
  const created = createOperation(name, {
    target: { dimse: undefined, dicomweb: { baseUrl, connections: 4, operationTimeoutUs: 20_000_000, auth: undefined } },
    params: { stations: 1, modality: 'CR', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 3,
    env: {},
  });
  cleanups.push(() => created.close());
  return created;
}

/** Runs iterations 0..count-1, each expected ok, and returns their results. */
async function runAll(op: Operation, count: number): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  for (let iteration = 0; iteration < count; iteration++) {
    const result = await op.run({ iteration, signal: new AbortController().signal });
    expect(result.outcome, `${op.name} run ${iteration}`).toEqual({ kind: 'ok' });
    results.push(result);
  }
  return results;
}

const total = (results: readonly OperationResult[], key: 'matches' | 'instancesRetrieved'): number =>
  results.reduce((sum, result) => sum + (result[key] ?? Number.NaN), 0);

const once = (op: Operation): Promise<OperationResult> => op.run({ iteration: 0, signal: new AbortController().signal });

describe('what the DICOMweb retrievals retrieved', () => {
  it('the simulator holds a few studies, series and instances (the counts below compare with these)', () => {
    expect(STUDIES).toHaveLength(2);
    expect(SERIES_TOTAL).toBeGreaterThanOrEqual(2);
    expect(INSTANCES_TOTAL).toBeGreaterThanOrEqual(SERIES_TOTAL);
  });

  it('qido.studies counts the studies found; none is ok by default and empty with expectMatches: true', async () => {
    const sim = await simulator();
    expect(total(await runAll(operation('qido.studies', sim.baseUrl), 1), 'matches')).toBe(STUDIES.length);
    const none = await once(operation('qido.studies', sim.baseUrl, { modality: UNKNOWN_MODALITY }));
    expect(none).toMatchObject({ outcome: { kind: 'ok' }, matches: 0 });
    const expected = await once(operation('qido.studies', sim.baseUrl, { modality: UNKNOWN_MODALITY, expectMatches: true }));
    expect(expected).toMatchObject({ outcome: { kind: 'empty' }, matches: 0 });
    expect(expected.bytesReceived).toBeGreaterThan(0);
  });

  it('qido.series and qido.instances count every series and instance the simulator holds', async () => {
    const sim = await simulator();
    expect(total(await runAll(operation('qido.series', sim.baseUrl), STUDIES.length), 'matches')).toBe(SERIES_TOTAL);
    expect(total(await runAll(operation('qido.instances', sim.baseUrl), SERIES_TOTAL), 'matches')).toBe(INSTANCES_TOTAL);
  });

  it('wado.* count the instances retrieved: one object per instance of each series, one part per instance or frame', async () => {
    const sim = await simulator();
    expect(total(await runAll(operation('wado.metadata', sim.baseUrl), SERIES_TOTAL), 'instancesRetrieved')).toBe(INSTANCES_TOTAL);
    for (const name of ['wado.instance', 'wado.frames', 'wado.rendered'] as const) {
      const results = await runAll(operation(name, sim.baseUrl), INSTANCES_TOTAL);
      expect(results.map((result) => result.instancesRetrieved), name).toEqual(results.map(() => 1));
    }
  });

  it('viewer.open counts every frame of the study it opens and the results of its three searches', async () => {
    const sim = await simulator();
    const opens = await runAll(operation('viewer.open', sim.baseUrl), STUDIES.length);
    expect(total(opens, 'instancesRetrieved')).toBe(INSTANCES_TOTAL);
    // Per open: the study itself, the patient's one study (each synthetic study has its own patient), and the study's series.
    expect(total(opens, 'matches')).toBe(2 * STUDIES.length + SERIES_TOTAL);
  });

  for (const name of ['qido.series', 'qido.instances', 'wado.metadata', 'wado.instance', 'wado.frames', 'wado.rendered', 'viewer.open'] as const) {
    it(`${name}: a modality the target holds no study of is empty, and ok with expectMatches: false`, async () => {
      const sim = await simulator();
      const counter = name.startsWith('qido.') ? 'matches' : 'instancesRetrieved';
      const empty = await once(operation(name, sim.baseUrl, { modality: UNKNOWN_MODALITY }));
      expect(empty.outcome).toEqual({ kind: 'empty', reason: expect.stringMatching(new RegExp(`no ${UNKNOWN_MODALITY} studies`)) });
      expect(empty[counter]).toBe(0);
      const allowed = await once(operation(name, sim.baseUrl, { modality: UNKNOWN_MODALITY, expectMatches: false }));
      expect(allowed).toMatchObject({ outcome: { kind: 'ok' }, [counter]: 0, bytesSent: 0 });
    });
  }
});
