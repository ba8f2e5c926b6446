/**
 * Priors that exist (issue 14, item 6), against a real Orthanc that starts
 * empty: the run seeds priors for its synthetic patients before time zero,
 * Orthanc's own `/statistics` then equal what the seeding reported, `qr.find`
 * finds exactly the seeded studies of each patient, newest first, and
 * `qr.move` / `qr.get` retrieve the newest prior's instances (counted, with
 * their bytes). By C-STORE on a
 * DIMSE target, and by STOW-RS on a DICOMweb-only target, where `viewer.open`
 * opens the seeded studies and its priors search finds them.
 *
 * (Before seeding, the look-ups against the empty Orthanc are `empty`: that
 * outcome has a test of its own, orthanc-qr.test.ts.)
 *
 * Skipped only when Orthanc (or, for STOW-RS, its DICOMweb plugin) is not
 * installed (scripts/install-peers.sh). Uses the built worker: `npm run build` first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import type { RunSummary, SeedPriorsSummary } from '../../../src/metrics/types.js';
import { lookUpPriors } from '../../../src/operations/qr-priors.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { planPriorStudies } from '../../../src/synth/prior-studies.js';
import { resolveShape } from '../../../src/synth/study-template.js';
import { syntheticPatientId } from '../../../src/synth/synthetic-patients.js';
import { WORKER_PATH } from '../../helpers/cli.js';
import { hasOrthanc, hasOrthancDicomweb, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort } from '../../helpers/ports.js';

const SEED = 23;
const PATIENTS = 3;
const STUDIES_PER_PATIENT = 2;
const IMAGES = 2;
const IMAGE_SIZE_BYTES = 16 * 1024;
/** The synthetic CR study spreads its images over this many series. */
const SERIES_PER_STUDY = resolveShape({ modality: 'CR', images: IMAGES }).series;

interface OrthancStatistics {
  CountPatients: number;
  CountStudies: number;
  CountSeries: number;
  CountInstances: number;
}

interface OrthancPatient {
  MainDicomTags: { PatientID: string; PatientName: string };
}

const running: RunningOrthanc[] = [];
afterEach(async () => {
  for (const orthanc of running.splice(0)) await orthanc.stop();
});

/** Runs the profile; resolves with the summary and Orthanc's statistics as they were right after seeding. */
async function runSeeded(orthanc: RunningOrthanc, lines: readonly string[]): Promise<{ summary: RunSummary; afterSeeding: OrthancStatistics; seeded: SeedPriorsSummary }> {
  let afterSeeding: Promise<OrthancStatistics> | undefined;
  let seeded: SeedPriorsSummary | undefined;
  const { summary } = await runLoad({
    profile: parseProfileText(lines.join('\n'), 'orthanc-seeded.yaml'),
    workers: 1,
    outputs: [],
    env: {},
    workerFilename: WORKER_PATH,
    onPriorsSeeded: (told) => {
      seeded = told;
      // Before time zero: nothing but the seeding has touched Orthanc yet.
      afterSeeding = orthanc.getJson<OrthancStatistics>('/statistics');
    },
  });
  if (afterSeeding === undefined || seeded === undefined) throw new Error('the run did not seed');
  expect(summary.seedPriors).toEqual(seeded);
  return { summary, afterSeeding: await afterSeeding, seeded };
}

function expectSeededAsReported(seeded: SeedPriorsSummary, statistics: OrthancStatistics): void {
  expect(seeded).toMatchObject({
    patients: PATIENTS,
    studiesPlanned: PATIENTS * STUDIES_PER_PATIENT,
    studiesStored: PATIENTS * STUDIES_PER_PATIENT,
    studiesFailed: 0,
    studiesNotSent: 0,
    instancesStored: PATIENTS * STUDIES_PER_PATIENT * IMAGES,
    failures: [],
  });
  expect(seeded.bytesSent).toBeGreaterThan(seeded.instancesStored * IMAGE_SIZE_BYTES);
  // Orthanc's own counts are the seeding's.
  expect(statistics).toMatchObject({ CountPatients: PATIENTS, CountStudies: seeded.studiesStored, CountInstances: seeded.instancesStored });
}

async function expectMarkedPatients(orthanc: RunningOrthanc): Promise<void> {
  const patients = await orthanc.getJson<OrthancPatient[]>('/patients?expand');
  expect(patients.map((patient) => patient.MainDicomTags.PatientID).sort()).toEqual(
    Array.from({ length: PATIENTS }, (_, index) => syntheticPatientId(index + 1)),
  );
  for (const patient of patients) expect(patient.MainDicomTags.PatientName).toMatch(/^PACSLOAD\^SYNTH\^/);
}

describe.skipIf(skipWithoutPeer(hasOrthanc))('seedPriors against an empty Orthanc', () => {
  it('C-STORE: Orthanc holds what the seeding reported; qr.find finds the seeded priors, qr.move and qr.get retrieve them', async () => {
    const storeScpPort = await freePort();
    const orthanc = await startOrthanc({ modalities: { PLSCP: { host: '127.0.0.1', port: storeScpPort } } });
    running.push(orthanc);
    expect(await orthanc.getJson<OrthancStatistics>('/statistics')).toMatchObject({ CountStudies: 0, CountInstances: 0 });

    const { summary, afterSeeding, seeded } = await runSeeded(orthanc, [
      'name: orthanc-seeded',
      `seed: ${SEED}`,
      `target: { dimse: { host: 127.0.0.1, port: ${orthanc.dicomPort}, calledAe: ${orthanc.aeTitle}, callingAe: PACSLOAD } }`,
      `seedPriors: { patients: ${PATIENTS}, studiesPerPatient: ${STUDIES_PER_PATIENT}, modality: CR, images: ${IMAGES}, imageSize: ${IMAGE_SIZE_BYTES} }`,
      'scenarios:',
      // One look-up per seeded patient each (round robin over the seeded patients).
      `  find: { operation: qr.find, executor: iterations, iterations: ${PATIENTS}, users: 1, level: series }`,
      `  move: { operation: qr.move, executor: iterations, iterations: ${PATIENTS}, users: 1, moveDestination: PLSCP, storeScpPort: ${storeScpPort} }`,
      `  get: { operation: qr.get, executor: iterations, iterations: ${PATIENTS}, users: 1 }`,
    ]);
    expect(seeded.via).toBe('dimse');
    expectSeededAsReported(seeded, afterSeeding);
    await expectMarkedPatients(orthanc);

    for (const operation of summary.operations) {
      expect(operation.failed, `${operation.operation} ${JSON.stringify(operation.outcomes)}`).toBe(0);
      expect(operation.completed).toBe(PATIENTS);
    }
    // qr.find at series level: each patient's studies, then their series.
    const find = summary.operations.find((operation) => operation.operation === 'qr.find');
    expect(find?.matches).toBe(PATIENTS * (STUDIES_PER_PATIENT + STUDIES_PER_PATIENT * SERIES_PER_STUDY));
    // Each retrieve found the patient's priors and brought the newest: IMAGES instances of at least IMAGE_SIZE_BYTES each.
    for (const name of ['qr.move', 'qr.get']) {
      const retrieve = summary.operations.find((operation) => operation.operation === name);
      expect(retrieve?.matches, name).toBe(PATIENTS * STUDIES_PER_PATIENT);
      expect(retrieve?.instancesRetrieved, name).toBe(PATIENTS * IMAGES);
      expect(retrieve?.bytesReceived, name).toBeGreaterThan(PATIENTS * IMAGES * IMAGE_SIZE_BYTES);
    }

    // qr.find's look-up finds exactly the seeded studies of each patient, newest first.
    const target: DimseTarget = { host: '127.0.0.1', port: orthanc.dicomPort, calledAe: orthanc.aeTitle, callingAe: 'PACSLOAD', connectTimeoutUs: 5_000_000, operationTimeoutUs: 30_000_000 };
    const planned = planPriorStudies(SEED, PATIENTS, STUDIES_PER_PATIENT, new Date());
    for (let patient = 1; patient <= PATIENTS; patient++) {
      const found = await lookUpPriors(target, syntheticPatientId(patient), 'study', new AbortController().signal);
      expect(found.result.outcome).toEqual({ kind: 'ok' });
      expect(found.studyInstanceUids).toEqual(planned.filter((plan) => plan.patientNumber === patient).map((plan) => plan.identity.studyInstanceUid));
    }
    // Retrieves add nothing to the archive.
    expect(await orthanc.getJson<OrthancStatistics>('/statistics')).toMatchObject({ CountStudies: seeded.studiesStored, CountInstances: seeded.instancesStored });
  }, 120_000);

  it.skipIf(skipWithoutPeer(hasOrthancDicomweb))('STOW-RS on a DICOMweb-only target: Orthanc holds what the seeding reported; viewer.open opens the seeded studies and finds their priors', async () => {
    const orthanc = await startOrthanc({ dicomweb: true });
    running.push(orthanc);
    const { summary, afterSeeding, seeded } = await runSeeded(orthanc, [
      'name: orthanc-seeded-stow',
      `seed: ${SEED}`,
      `target: { dicomweb: { baseUrl: "${orthanc.restUrl}/dicom-web" } }`,
      `seedPriors: { patients: ${PATIENTS}, studiesPerPatient: ${STUDIES_PER_PATIENT}, modality: CR, images: ${IMAGES}, imageSize: ${IMAGE_SIZE_BYTES} }`,
      'scenarios:',
      `  reading: { operation: viewer.open, executor: iterations, iterations: ${PATIENTS}, users: 1, modality: CR }`,
    ]);
    expect(seeded.via).toBe('dicomweb');
    expectSeededAsReported(seeded, afterSeeding);
    await expectMarkedPatients(orthanc);
    const reading = summary.operations.find((operation) => operation.operation === 'viewer.open');
    expect(reading?.failed, JSON.stringify(reading?.outcomes)).toBe(0);
    expect(reading?.completed).toBe(PATIENTS);
    // Per open: the study itself, the patient's priors (the opened study among them), the series list; then a frame per image.
    expect(reading?.matches).toBe(PATIENTS * (1 + STUDIES_PER_PATIENT + SERIES_PER_STUDY));
    expect(reading?.instancesRetrieved).toBe(PATIENTS * IMAGES);
    expect(reading?.bytesReceived).toBeGreaterThan(PATIENTS * IMAGES * IMAGE_SIZE_BYTES);
  }, 120_000);
});
