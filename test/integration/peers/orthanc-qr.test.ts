/**
 * Q/R against a real Orthanc (issue 3, "Tests that must exist"): qr.find at
 * study and series level, qr.move into the tool's own store SCP, qr.get on the
 * query association. Orthanc is loaded first with priors for the synthetic
 * patients the operations query (PLSYN-nnnnnn, round robin by iteration,
 * src/operations/qr-priors.ts): `dimse.store`'s own identities use
 * PLSYN-Snnnnnnnn, so the test builds the identities itself and sends them
 * with `sendStudy`. The store SCP listens on a fixed port picked free at test
 * time, which Orthanc knows as the C-MOVE destination PLSCP (`DicomModalities`).
 * Skipped only when Orthanc is not installed (scripts/install-peers.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOrthanc, startOrthanc } from '../../helpers/orthanc.js';
import { freePort } from '../../helpers/ports.js';
import type { RunningOrthanc } from '../../helpers/orthanc.js';
import { sendStudy } from '../../../src/operations/dimse-store.js';
import { createQrFind } from '../../../src/operations/qr-find.js';
import { createQrGet, getNewestPrior } from '../../../src/operations/qr-get.js';
import { createQrMoveWithScp } from '../../../src/operations/qr-move.js';
import { lookUpPriors, priorPatientId } from '../../../src/operations/qr-priors.js';
import type { OperationSetup } from '../../../src/operations/types.js';
import type { DimseTarget, OperationParams } from '../../../src/profile/types.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { storeStudyIdentity } from '../../../src/synth/store-study.js';
import { SYNTHETIC_PATIENT_NAME_PREFIX } from '../../../src/synth/studies.js';
import type { StudyIdentity } from '../../../src/synth/store-study.js';
import { buildStudyTemplate } from '../../../src/synth/study-template.js';
import type { StudyTemplate } from '../../../src/synth/study-template.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { fixedSend } from '../../../src/synth/identity.js';

const SEED = 17;
/** Two patients, round robin: iteration 0 is PLSYN-000001 (with priors), iteration 1 PLSYN-000002 (none). */
const PATIENTS = 2;
const WITH_PRIORS = 0;
const WITHOUT_PRIORS = 1;
/** CT studies of 5 small images over 2 series: the test is about the protocol and the counts. */
const IMAGES_PER_STUDY = 5;
const SERIES_PER_STUDY = 2;
/** Prior dates, oldest first; the newest is the one qr.move and qr.get retrieve. */
const PRIOR_DATES = ['20230105', '20240612', '20250301'];

interface OrthancStatistics {
  CountInstances: number;
  CountStudies: number;
}

function priorIdentity(index: number, studyDate: string): StudyIdentity {
  const patientId = priorPatientId(WITH_PRIORS, PATIENTS);
  return {
    ...storeStudyIdentity(fixedSend(SEED, 'dimse.store', index), new Date()),
    patientId,
    patientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}${patientId}`,
    studyDate,
    studyTime: '101500',
  };
}

describe.skipIf(skipWithoutPeer(hasOrthanc))('Q/R against Orthanc', () => {
  let orthanc: RunningOrthanc;
  let storeScpPort: number;
  let template: StudyTemplate;
  const priors: StudyIdentity[] = PRIOR_DATES.map((date, index) => priorIdentity(index, date));
  const newest = priors[priors.length - 1]!;

  const target = (): DimseTarget => ({
    host: orthanc.host,
    port: orthanc.dicomPort,
    calledAe: orthanc.aeTitle,
    callingAe: 'PACSLOAD-TEST',
    connectTimeoutUs: 5_000_000,
    operationTimeoutUs: 30_000_000,
  });
  const setup = (params: Partial<OperationParams> = {}): OperationSetup => ({
    target: { dimse: target(), dicomweb: undefined },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, patients: PATIENTS, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: SEED,
    env: {},
  });
  const run = (index: number) => ({ iteration: index, signal: new AbortController().signal });
  const signal = (): AbortSignal => new AbortController().signal;

  beforeAll(async () => {
    storeScpPort = await freePort();
    orthanc = await startOrthanc({ modalities: { PLSCP: { host: '127.0.0.1', port: storeScpPort } } });
    template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: IMAGES_PER_STUDY, imageSizeBytes: 4096, seed: SEED });
    expect(template.shape.series).toBe(SERIES_PER_STUDY);
    for (const study of priors) {
      const sent = await sendStudy({ target: target(), template, study });
      expect(sent.outcome).toEqual({ kind: 'ok' });
      expect(sent.instancesStored).toBe(IMAGES_PER_STUDY);
    }
    const statistics = await orthanc.getJson<OrthancStatistics>('/statistics');
    expect(statistics).toMatchObject({ CountInstances: priors.length * IMAGES_PER_STUDY, CountStudies: priors.length });
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('qr.find at study level finds every prior of the patient, newest first', async () => {
    const found = await lookUpPriors(target(), priorPatientId(WITH_PRIORS, PATIENTS), 'study', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    expect(found.studyInstanceUids).toEqual([...priors].reverse().map((study) => study.studyInstanceUid));
    // The operation itself, for a patient with priors and for one without (empty, or ok when nothing is expected).
    const operation = createQrFind(setup());
    expect(await operation.run(run(WITH_PRIORS))).toMatchObject({ outcome: { kind: 'ok' }, matches: priors.length });
    expect(await operation.run(run(WITHOUT_PRIORS))).toMatchObject({ outcome: { kind: 'empty' }, matches: 0 });
    expect((await createQrFind(setup({ expectMatches: false })).run(run(WITHOUT_PRIORS))).outcome).toEqual({ kind: 'ok' });
    const none = await lookUpPriors(target(), priorPatientId(WITHOUT_PRIORS, PATIENTS), 'study', signal());
    expect(none.studyInstanceUids).toEqual([]);
  });

  it('qr.find at series level finds every series of the priors', async () => {
    const found = await lookUpPriors(target(), priorPatientId(WITH_PRIORS, PATIENTS), 'series', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    expect(found.seriesCount).toBe(priors.length * SERIES_PER_STUDY);
    const operation = createQrFind(setup({ level: 'series' }));
    expect((await operation.run(run(WITH_PRIORS))).outcome).toEqual({ kind: 'ok' });
  });

  it('qr.move sends exactly the newest prior to the tool\'s store SCP (Orthanc DicomModalities PLSCP)', async () => {
    const handle = createQrMoveWithScp(setup({ moveDestination: 'PLSCP', storeScpPort }));
    try {
      const result = await handle.operation.run(run(WITH_PRIORS));
      expect(result.outcome).toEqual({ kind: 'ok' });
      expect(handle.storeScp()?.port).toBe(storeScpPort);
      expect(handle.storeScp()?.counters()).toMatchObject({ instances: IMAGES_PER_STUDY, refused: 0 });
      expect(result.bytesReceived).toBeGreaterThan(IMAGES_PER_STUDY * 4096);
      expect(result).toMatchObject({ matches: priors.length, instancesRetrieved: IMAGES_PER_STUDY });
      // No prior, no move: only the query, and nothing more arrives.
      expect(await handle.operation.run(run(WITHOUT_PRIORS))).toMatchObject({ outcome: { kind: 'empty' }, matches: 0, instancesRetrieved: 0 });
      expect(handle.storeScp()?.counters().instances).toBe(IMAGES_PER_STUDY);
    } finally {
      await handle.operation.close();
    }
  }, 30_000);

  it('qr.move to an AE Orthanc does not know fails', async () => {
    const handle = createQrMoveWithScp(setup({ moveDestination: 'NOBODY' }));
    try {
      const result = await handle.operation.run(run(WITH_PRIORS));
      expect(result.outcome.kind).toBe('dimse-failure');
      expect(handle.storeScp()?.counters().instances ?? 0).toBe(0);
    } finally {
      await handle.operation.close();
    }
  }, 30_000);

  it('qr.get brings the newest prior back on its own association', async () => {
    const got = await getNewestPrior(target(), priorPatientId(WITH_PRIORS, PATIENTS), signal());
    expect(got.result.outcome).toEqual({ kind: 'ok' });
    expect(got.received).toBe(IMAGES_PER_STUDY);
    expect(got.result.bytesReceived).toBeGreaterThan(IMAGES_PER_STUDY * 4096);
    const operation = createQrGet(setup());
    expect(await operation.run(run(WITH_PRIORS))).toMatchObject({ outcome: { kind: 'ok' }, instancesRetrieved: IMAGES_PER_STUDY });
    expect((await operation.run(run(WITHOUT_PRIORS))).outcome).toMatchObject({ kind: 'empty' });
    expect((await createQrGet(setup({ expectMatches: false })).run(run(WITHOUT_PRIORS))).outcome).toEqual({ kind: 'ok' });
  }, 30_000);

  it('Orthanc still holds exactly the instances sent (retrieves do not add any)', async () => {
    const statistics = await orthanc.getJson<OrthancStatistics>('/statistics');
    expect(statistics).toMatchObject({ CountInstances: priors.length * IMAGES_PER_STUDY, CountStudies: priors.length });
    expect(newest.studyDate).toBe(PRIOR_DATES[PRIOR_DATES.length - 1]);
  });
});
