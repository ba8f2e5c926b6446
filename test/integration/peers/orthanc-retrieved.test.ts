/**
 * Issue 14, item 5, against a real Orthanc, through the built CLI as a user
 * runs it (`npm run build` first): retrievals say what they retrieved.
 *
 * - An Orthanc that holds none of the patients asked for: every `qr.find` is
 *   the `empty` outcome in the console and in the summary, an error; with
 *   `expectMatches: false` the same answers are ok. Orthanc's own statistics
 *   show it holds nothing.
 * - The same Orthanc once it holds studies for the patients the Q/R
 *   operations ask for (PLSYN-000001 and PLSYN-000002, round robin by
 *   iteration, src/operations/qr-priors.ts; stored first with the tool's own
 *   C-STORE code): `qr.find` counts every study Orthanc finds for them,
 *   `qr.move` and `qr.get` count every instance of the newest study of each
 *   and the bytes that brought them, compared with Orthanc's REST API
 *   (`/tools/find`, `/studies/{id}/instances`, `/studies/{id}/statistics`).
 *
 * The tool's store SCP (the C-MOVE destination) listens on a port picked free
 * at test time, which Orthanc knows as PLSCP (`DicomModalities`).
 * Skipped only when Orthanc is not installed (scripts/install-peers.sh).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import { sendStudy } from '../../../src/operations/dimse-store.js';
import { priorPatientId } from '../../../src/operations/qr-priors.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { createRandom } from '../../../src/synth/random.js';
import type { StudyIdentity } from '../../../src/synth/store-study.js';
import { SYNTHETIC_PATIENT_NAME_PREFIX } from '../../../src/synth/studies.js';
import { buildStudyTemplate } from '../../../src/synth/study-template.js';
import { syntheticUid } from '../../../src/synth/uid.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { hasOrthanc, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort } from '../../helpers/ports.js';

/** The Q/R operations go round two patients: iteration 0, 2 ask for PLSYN-000001; 1, 3 for PLSYN-000002. */
const PATIENTS = 2;
const ITERATIONS = 4;
const IMAGE_SIZE_BYTES = 4096;
/** What Orthanc will hold: patient 1 an older and a newer study, patient 2 one; image counts differ so each count is specific. */
const STORED = [
  { patient: 0, studyDate: '20240105', images: 3 },
  { patient: 0, studyDate: '20250612', images: 4 },
  { patient: 1, studyDate: '20250301', images: 6 },
] as const;

interface OrthancStudy {
  ID: string;
  MainDicomTags: { StudyDate: string; StudyInstanceUID: string };
}

describe.skipIf(skipWithoutPeer(hasOrthanc))('retrievals against a real Orthanc say what they retrieved', () => {
  let orthanc: RunningOrthanc;
  let storeScpPort: number;
  let dir: { path: string; cleanup: () => Promise<void> };

  const target = (): DimseTarget => ({
    host: orthanc.host,
    port: orthanc.dicomPort,
    calledAe: orthanc.aeTitle,
    callingAe: 'PACSLOAD',
    connectTimeoutUs: 5_000_000,
    operationTimeoutUs: 30_000_000,
  });

  /** Runs `scenarios` (YAML, indented under `scenarios:`) against Orthanc with the CLI; returns the console text and the summary. */
  async function run(name: string, scenarios: string): Promise<{ code: number | null; stdout: string; summary: RunSummary }> {
    const profile = await writeProfile(
      dir.path,
      `${name}.yaml`,
      [
        `name: ${name}`,
        'target:',
        `  dimse: { host: 127.0.0.1, port: ${orthanc.dicomPort}, calledAe: ${orthanc.aeTitle}, callingAe: PACSLOAD }`,
        'scenarios:',
        scenarios,
      ].join('\n'),
    );
    const out = join(dir.path, `${name}.json`);
    const result = await runCli(['run', profile, '--workers', '1', '--out', out]);
    expect(result.stderr).not.toMatch(/Error/);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    return { code: result.code, stdout: result.stdout, summary };
  }

  function scenario(summary: RunSummary, name: string): OperationSummary {
    const found = summary.operations.find((operation) => operation.scenario === name);
    if (found === undefined) throw new Error(`no scenario ${name} in the summary`);
    return found;
  }

  /** Orthanc's studies of one patient, newest first. */
  async function studiesOf(patientId: string): Promise<OrthancStudy[]> {
    const response = await fetch(`${orthanc.restUrl}/tools/find`, {
      method: 'POST',
      body: JSON.stringify({ Level: 'Study', Query: { PatientID: patientId }, Expand: true }),
    });
    expect(response.ok).toBe(true);
    const studies = (await response.json()) as OrthancStudy[];
    return studies.sort((a, b) => (a.MainDicomTags.StudyDate < b.MainDicomTags.StudyDate ? 1 : -1));
  }

  beforeAll(async () => {
    storeScpPort = await freePort();
    orthanc = await startOrthanc({ modalities: { PLSCP: { host: '127.0.0.1', port: storeScpPort } } });
    dir = await tempDir();
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await dir?.cleanup();
  });

  it('an Orthanc holding none of the patients: qr.find is empty in the console and the summary, and ok with expectMatches: false', async () => {
    expect(await orthanc.getJson<{ CountStudies: number }>('/statistics')).toMatchObject({ CountStudies: 0 });
    const { code, stdout, summary } = await run(
      'empty-orthanc',
      [
        '  priors: { operation: qr.find, executor: iterations, iterations: 4, patients: 2 }',
        '  priors-optional: { operation: qr.find, executor: iterations, iterations: 4, patients: 2, expectMatches: false }',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(scenario(summary, 'priors')).toMatchObject({ completed: ITERATIONS, failed: ITERATIONS, outcomes: { empty: ITERATIONS }, matches: 0, errorRate: 1 });
    expect(scenario(summary, 'priors-optional')).toMatchObject({ completed: ITERATIONS, failed: 0, outcomes: { ok: ITERATIONS }, matches: 0 });
    // The console: the error table names the outcome and says what it means; the retrieved table shows nothing found.
    expect(stdout).toMatch(/priors\/qr\.find\s+empty\s+4\s+answer held nothing where the scenario expects something/);
    expect(stdout).toMatch(/^retrieved \(matches/m);
    expect(stdout).toMatch(/priors\/qr\.find\s+0\s+0\s+-\s+-\s+\S+ \S+\s+4 \(100(\.0)?%\)/);
    expect(stdout).toMatch(/priors-optional\/qr\.find\s+0\s+0\s+-\s+-\s+\S+ \S+\s+0 \(0(\.0)?%\)/);
  }, 120_000);

  it('once Orthanc holds their studies: qr.find counts every study, qr.move and qr.get every instance of the newest and its bytes', async () => {
    for (const [index, stored] of STORED.entries()) {
      const patientId = priorPatientId(stored.patient, PATIENTS);
      const studyInstanceUid = syntheticUid(createRandom(7_000 + index));
      const study: StudyIdentity = {
        studyInstanceUid,
        // Series and instances under the study UID (src/synth/store-study.ts).
        uidRoot: studyInstanceUid,
        frameOfReferenceUid: `${studyInstanceUid}.0`,
        studyId: String(index + 1),
        patientId,
        patientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}${patientId}`,
        accessionNumber: `PLRT${index}`,
        studyDate: stored.studyDate,
        studyTime: '101500',
      };
      const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: stored.images, imageSizeBytes: IMAGE_SIZE_BYTES, seed: index + 1 });
      const sent = await sendStudy({ target: target(), template, study });
      expect(sent).toMatchObject({ outcome: { kind: 'ok' }, instancesStored: stored.images });
    }
    // What Orthanc holds, by its own count, for the patients of iterations 0..3.
    const patientIds = Array.from({ length: ITERATIONS }, (_, iteration) => priorPatientId(iteration, PATIENTS));
    const held = await Promise.all(patientIds.map((patientId) => studiesOf(patientId)));
    const studiesFound = held.reduce((sum, studies) => sum + studies.length, 0);
    const newest = held.map((studies) => studies[0]!);
    const instances = await Promise.all(newest.map((study) => orthanc.getJson<unknown[]>(`/studies/${study.ID}/instances`)));
    const instancesOfNewest = instances.reduce((sum, list) => sum + list.length, 0);
    const statistics = await Promise.all(newest.map((study) => orthanc.getJson<{ DiskSize: string }>(`/studies/${study.ID}/statistics`)));
    const bytesOfNewest = statistics.reduce((sum, entry) => sum + Number(entry.DiskSize), 0);
    expect(studiesFound).toBe(2 * (2 + 1));
    expect(instancesOfNewest).toBe(2 * (4 + 6));

    const { code, summary } = await run(
      'seeded-orthanc',
      [
        '  priors: { operation: qr.find, executor: iterations, iterations: 4, patients: 2 }',
        `  prefetch: { operation: qr.move, executor: iterations, iterations: 4, patients: 2, moveDestination: PLSCP, storeScpPort: ${storeScpPort}, startAfter: 0s }`,
        '  viewer: { operation: qr.get, executor: iterations, iterations: 4, patients: 2 }',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(scenario(summary, 'priors')).toMatchObject({ outcomes: { ok: ITERATIONS }, matches: studiesFound });
    for (const name of ['prefetch', 'viewer']) {
      const retrieved = scenario(summary, name);
      // The lookup's matches, then the instances of each newest study, exactly.
      expect(retrieved, name).toMatchObject({ outcomes: { ok: ITERATIONS }, matches: studiesFound, instancesRetrieved: instancesOfNewest });
      // The files Orthanc stores are the data sets the C-STOREs carried plus a Part-10 header (PS3.10 7.1: 128-byte
      // preamble, DICM and the file meta information, under 400 bytes here); what the tool received adds PDU and
      // command headers and the C-FIND answers, a few kilobytes per operation.
      expect(retrieved.bytesReceived, name).toBeGreaterThan(bytesOfNewest - instancesOfNewest * 400);
      expect(retrieved.bytesReceived, name).toBeLessThan(bytesOfNewest + ITERATIONS * 16_384);
    }
    // Retrieves add nothing to Orthanc.
    expect(await orthanc.getJson<{ CountInstances: number }>('/statistics')).toMatchObject({ CountInstances: 3 + 4 + 6 });
  }, 120_000);
});
