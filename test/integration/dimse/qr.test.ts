/** qr.find, qr.move and qr.get against the embedded DIMSE simulator's prior archive on 127.0.0.1 (port 0). */
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createQrFind } from '../../../src/operations/qr-find.js';
import { createQrGet, getNewestPrior } from '../../../src/operations/qr-get.js';
import { createQrMoveWithScp } from '../../../src/operations/qr-move.js';
import { lookUpPriors, priorPatientId } from '../../../src/operations/qr-priors.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { Dataset, requests } from '../../../src/protocol/dimse/dcmjs.js';
import { createStudyMoveRequest, createStudyRootFindRequest } from '../../../src/protocol/dimse/qr-requests.js';
import { isPendingStatus } from '../../../src/protocol/dimse/status.js';
import { startStoreScp } from '../../../src/protocol/dimse/store-scp.js';
import type { RunningStoreScp } from '../../../src/protocol/dimse/store-scp.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { PriorArchive, priorInstanceDataset, studyInstances } from '../../../src/simulator/dimse-qr-archive.js';
import { startDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import type { RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import type { Operation } from '../../../src/operations/types.js';
import { dimseTarget, iteration, operationSetup } from './helpers.js';

const SEED = 11;
const archive = (): PriorArchive => new PriorArchive({ seed: SEED, date: localDicomDate(new Date()) });
const expected = archive();

/** Patient numbers (1-based) of the first patients with and without priors. */
function firstPatients(): { withPriors: number; withoutPriors: number } {
  let withPriors = 0;
  let withoutPriors = 0;
  for (let patient = 1; withPriors === 0 || withoutPriors === 0; patient++) {
    const studies = expected.studiesOf(priorPatientId(patient - 1, 1_000_000));
    if (studies.length > 0 && withPriors === 0) withPriors = patient;
    if (studies.length === 0 && withoutPriors === 0) withoutPriors = patient;
  }
  return { withPriors, withoutPriors };
}
const { withPriors, withoutPriors } = firstPatients();
const patientWithPriors = priorPatientId(withPriors - 1, 1_000_000);
const newestPrior = expected.studiesOf(patientWithPriors)[0]!;
const newestPriorInstances = newestPrior.series.reduce((sum, series) => sum + series.instances.length, 0);

let simulator: RunningDimseSimulator | undefined;
const operations: Operation[] = [];
const scps: RunningStoreScp[] = [];
afterEach(async () => {
  await Promise.all(operations.splice(0).map((operation) => operation.close()));
  await Promise.all(scps.splice(0).map((scp) => scp.close()));
  await simulator?.close();
  simulator = undefined;
});

async function start(options: { errorRate?: number; moveDestinations?: Map<string, { host: string; port: number }> } = {}): Promise<RunningDimseSimulator> {
  const faults = new FaultInjector({ ...NO_FAULTS, errorRate: options.errorRate ?? 0 });
  simulator = await startDimseSimulator({
    worklist: [],
    faults,
    priors: archive(),
    ...(options.moveDestinations === undefined ? {} : { moveDestinations: options.moveDestinations }),
  });
  return simulator;
}

const signal = (): AbortSignal => new AbortController().signal;

describe('qr.find', () => {
  it('finds the patient\'s priors at study level, newest first, and nothing for a patient without priors', async () => {
    const sim = await start();
    const target = dimseTarget(sim);
    const found = await lookUpPriors(target, patientWithPriors, 'study', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    expect(found.studyInstanceUids).toEqual(expected.studiesOf(patientWithPriors).map((study) => study.studyInstanceUid));
    expect(found.studyInstanceUids.length).toBeGreaterThanOrEqual(5);

    const none = await lookUpPriors(target, priorPatientId(withoutPriors - 1, 1_000_000), 'study', signal());
    expect(none.result.outcome).toEqual({ kind: 'ok' });
    expect(none.studyInstanceUids).toEqual([]);
  });

  it('finds every series of the priors at series level (UID list matching) on a second association', async () => {
    const sim = await start();
    const found = await lookUpPriors(dimseTarget(sim), patientWithPriors, 'series', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    const seriesExpected = expected.studiesOf(patientWithPriors).reduce((sum, study) => sum + study.series.length, 0);
    expect(found.seriesCount).toBe(seriesExpected);
    expect(sim.stats().associationsAccepted).toBe(2);
    expect(sim.qrStats().findRequests).toBe(2);
  });

  it('runs as an operation over patients round robin, and reports the error rate as failure A700', async () => {
    const sim = await start();
    const find = createQrFind(operationSetup(dimseTarget(sim), { patients: 10, level: 'series', expectMatches: false }));
    operations.push(find);
    const results = await Promise.all([0, 1, 2, 3].map((index) => find.run(iteration(index))));
    expect(results.every((result) => result.outcome.kind === 'ok' && result.bytesReceived > 0)).toBe(true);
    await sim.close();

    const failing = await start({ errorRate: 1 });
    const refused = await createQrFind(operationSetup(dimseTarget(failing))).run(iteration(0));
    expect(outcomeKey(refused.outcome)).toBe('dimse_failure_a700');
  });
});

describe('qr.find: what it found', () => {
  it('counts the studies and series the archive holds for each patient, and calls a patient without priors empty', async () => {
    const sim = await start();
    const find = createQrFind(operationSetup(dimseTarget(sim), { patients: 10, level: 'series' }));
    operations.push(find);
    const patients = Array.from({ length: 10 }, (_, index) => index);
    for (const index of patients) {
      const priors = expected.studiesOf(priorPatientId(index, 10));
      const result = await find.run(iteration(index));
      // Studies, then the series of the studies found, each a C-FIND pending response.
      expect(result.matches, `patient ${index + 1}`).toBe(priors.length + priors.reduce((sum, study) => sum + study.series.length, 0));
      if (priors.length > 0) expect(result.outcome).toEqual({ kind: 'ok' });
      else expect(result.outcome).toEqual({ kind: 'empty', reason: `no studies for patient ${priorPatientId(index, 10)}` });
    }
    expect(patients.some((index) => expected.studiesOf(priorPatientId(index, 10)).length === 0)).toBe(true);
  });
});

describe('C-FIND over what the simulator received', () => {
  it('finds a C-STOREd study by Study Instance UID at image level, one answer per instance', async () => {
    const sim = await start();
    const target = dimseTarget(sim);
    // A study from another seed: the simulator's archive does not hold it.
    const other = new PriorArchive({ seed: SEED + 1000, date: localDicomDate(new Date()) });
    let study = undefined as ReturnType<PriorArchive['studiesOf']>[number] | undefined;
    for (let index = 0; study === undefined; index++) study = other.studiesOf(priorPatientId(index, 1_000_000))[0];
    const instances = studyInstances(study);
    const stored = await runAssociation({
      ...target,
      requests: instances.map(({ series, instance }) => new requests.CStoreRequest(new Dataset(priorInstanceDataset(study!, series, instance)))),
    });
    expect(stored.outcome).toEqual({ kind: 'ok' });

    const found = await runAssociation({
      ...target,
      requests: [createStudyRootFindRequest({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: study.studyInstanceUid, SeriesInstanceUID: '', SOPInstanceUID: '' })],
    });
    expect(found.outcome).toEqual({ kind: 'ok' });
    const uids = found.responses.filter((response) => isPendingStatus(response.status)).map((response) => response.dataset?.getElements().SOPInstanceUID as string);
    expect(uids.sort()).toEqual(instances.map(({ instance }) => instance.sopInstanceUid).sort());
  });
});

describe('qr.move', () => {
  it('moves the newest prior into the tool\'s own store SCP, which counts every instance', async () => {
    const sim = await start();
    const handle = createQrMoveWithScp(operationSetup(dimseTarget(sim), { patients: 1_000_000 }));
    operations.push(handle.operation);
    const result = await handle.operation.run(iteration(withPriors - 1));
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(handle.storeScp()?.counters()).toMatchObject({ instances: newestPriorInstances, refused: 0, associations: 1 });
    // 512 bytes of pixel data per instance arrived at the SCP and count as received.
    expect(result.bytesReceived).toBeGreaterThan(newestPriorInstances * 512);
    expect(sim.qrStats()).toMatchObject({ moveRequests: 1, subOperationsCompleted: newestPriorInstances, subOperationsFailed: 0 });
    expect(result).toMatchObject({ matches: expected.studiesOf(patientWithPriors).length, instancesRetrieved: newestPriorInstances });
  });

  it('costs only the query for a patient without priors: empty, or ok with expectMatches: false', async () => {
    const sim = await start();
    const handle = createQrMoveWithScp(operationSetup(dimseTarget(sim), { patients: 1_000_000 }));
    operations.push(handle.operation);
    const result = await handle.operation.run(iteration(withoutPriors - 1));
    expect(result).toMatchObject({ outcome: { kind: 'empty' }, matches: 0, instancesRetrieved: 0 });
    const allowed = createQrMoveWithScp(operationSetup(dimseTarget(sim), { patients: 1_000_000, expectMatches: false }));
    operations.push(allowed.operation);
    expect(await allowed.operation.run(iteration(withoutPriors - 1))).toMatchObject({ outcome: { kind: 'ok' }, matches: 0, instancesRetrieved: 0 });
    expect(sim.qrStats().moveRequests).toBe(0);
  });

  it('fails with A801 when the target does not know the move destination', async () => {
    const sim = await start();
    const handle = createQrMoveWithScp(operationSetup(dimseTarget(sim), { patients: 1_000_000, moveDestination: 'NOBODY' }));
    operations.push(handle.operation);
    const result = await handle.operation.run(iteration(withPriors - 1));
    expect(outcomeKey(result.outcome)).toBe('dimse_failure_a801');
  });

  it('reports B000 with the failed count when the destination refuses every instance (PS3.4 C.4.2.1.5)', async () => {
    const refuser = await startStoreScp({ answerStatus: 0xa700 });
    scps.push(refuser);
    const sim = await start({ moveDestinations: new Map([['REFUSER', { host: refuser.host, port: refuser.port }]]) });
    const target = dimseTarget(sim);
    const found = await lookUpPriors(target, patientWithPriors, 'study', signal());
    const request = createStudyMoveRequest('REFUSER', found.studyInstanceUids[0]!);
    const counts: number[] = [];
    request.on('response', (response) => {
      const final = response as unknown as { getFailures(): number; getCompleted(): number };
      counts.push(final.getCompleted(), final.getFailures());
    });
    const moved = await runAssociation({ ...target, requests: [request] });
    expect(moved.outcome).toEqual({ kind: 'dimse-warning', status: 0xb000 });
    expect(counts).toEqual([0, newestPriorInstances]);
    expect(refuser.counters()).toMatchObject({ instances: newestPriorInstances, refused: newestPriorInstances });
  });

  it('reports A702 when the destination cannot be reached', async () => {
    const gone = await startStoreScp();
    const port = gone.port;
    await gone.close();
    const sim = await start({ moveDestinations: new Map([['GONE', { host: '127.0.0.1', port }]]) });
    const target = dimseTarget(sim);
    const found = await lookUpPriors(target, patientWithPriors, 'study', signal());
    const moved = await runAssociation({ ...target, requests: [createStudyMoveRequest('GONE', found.studyInstanceUids[0]!)] });
    expect(moved.outcome).toEqual({ kind: 'dimse-failure', status: 0xa702 });
  });
});

describe('qr.get', () => {
  it('brings the newest prior back on the same association, every instance counted', async () => {
    const sim = await start();
    const got = await getNewestPrior(dimseTarget(sim), patientWithPriors, signal());
    expect(got.result.outcome).toEqual({ kind: 'ok' });
    expect(got.received).toBe(newestPriorInstances);
    expect(got.result.bytesReceived).toBeGreaterThan(newestPriorInstances * 512);
    expect(sim.qrStats()).toMatchObject({ getRequests: 1, subOperationsCompleted: newestPriorInstances, subOperationsFailed: 0 });
  });

  it('runs as an operation, and reports the error rate as a failure', async () => {
    const sim = await start();
    const get = createQrGet(operationSetup(dimseTarget(sim), { patients: 1_000_000 }));
    operations.push(get);
    expect(await get.run(iteration(withPriors - 1))).toMatchObject({
      outcome: { kind: 'ok' },
      matches: expected.studiesOf(patientWithPriors).length,
      instancesRetrieved: newestPriorInstances,
    });
    expect(await get.run(iteration(withoutPriors - 1))).toMatchObject({ outcome: { kind: 'empty' }, matches: 0, instancesRetrieved: 0 });
    await sim.close();

    const failing = await start({ errorRate: 1 });
    const refused = await createQrGet(operationSetup(dimseTarget(failing), { patients: 1_000_000 })).run(iteration(withPriors - 1));
    // The fault hits the query first.
    expect(outcomeKey(refused.outcome)).toBe('dimse_failure_a700');
  });
});
