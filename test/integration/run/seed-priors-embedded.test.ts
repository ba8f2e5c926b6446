/**
 * `seedPriors` on the embedded simulator (issue 14, item 6): the run stores the
 * priors before time zero, the simulator (which, for a profile that seeds,
 * generates no priors of its own) then holds exactly them, and the prior
 * look-ups find and retrieve them. Seeding that stores nothing fails the run
 * with ERR_SEED_FAILED (exit 4) before any load, by C-STORE and by STOW-RS;
 * the CLI says what was seeded, and why it failed.
 * Uses the built worker: `npm run build` first.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { ExitCode, PacsLoadError } from '../../../src/errors.js';
import type { SeedPriorsSummary } from '../../../src/metrics/types.js';
import { EARLY_STOP_STUDIES, SEED_CONCURRENCY } from '../../../src/operations/seed-priors.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { RunningSimulator } from '../../../src/simulator/index.js';
import { resolveShape } from '../../../src/synth/study-template.js';
import { WORKER_PATH, runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { runOnEmbeddedSimulator } from '../../helpers/embedded-run.js';

const PATIENTS = 3;
const STUDIES_PER_PATIENT = 2;
const IMAGES = 2;

describe('seedPriors on the embedded simulator', () => {
  it('stores the priors before time zero, and qr.find / qr.get find and retrieve exactly them', async () => {
    const { summary, simulator } = await runOnEmbeddedSimulator(
      [
        'name: seeded-lookups',
        'seed: 11',
        `seedPriors: { patients: ${PATIENTS}, studiesPerPatient: ${STUDIES_PER_PATIENT}, modality: CR, images: ${IMAGES}, imageSize: 16KiB }`,
        'scenarios:',
        // One look-up per patient each: the scenarios go round the seeded patients.
        `  find: { operation: qr.find, executor: iterations, iterations: ${PATIENTS}, users: 1, level: series }`,
        `  get: { operation: qr.get, executor: iterations, iterations: ${PATIENTS}, users: 1 }`,
      ],
      'seeded-lookups.yaml',
    );
    const seeded = summary.seedPriors;
    expect(seeded).toMatchObject({
      via: 'dimse',
      modality: 'CR',
      patients: PATIENTS,
      studiesPlanned: PATIENTS * STUDIES_PER_PATIENT,
      studiesStored: PATIENTS * STUDIES_PER_PATIENT,
      studiesFailed: 0,
      studiesNotSent: 0,
      instancesPlanned: PATIENTS * STUDIES_PER_PATIENT * IMAGES,
      instancesStored: PATIENTS * STUDIES_PER_PATIENT * IMAGES,
      failures: [],
    });
    expect(seeded?.bytesSent).toBeGreaterThan(PATIENTS * STUDIES_PER_PATIENT * IMAGES * 16 * 1024);

    // What the simulator holds is what the seeding reported: retrieves add nothing.
    const store = simulator.storeStats();
    expect(store).toMatchObject({ studies: seeded?.studiesStored, instances: seeded?.instancesStored, evictedInstances: 0, refusedInstances: 0 });
    for (let patient = 1; patient <= PATIENTS; patient++) {
      const studies = simulator.store.studiesOfPatient(`PLSYN-${String(patient).padStart(6, '0')}`);
      expect(studies).toHaveLength(STUDIES_PER_PATIENT);
    }

    // Every look-up succeeded; qr.get brought back the newest prior of each patient, instance by instance.
    for (const operation of summary.operations) {
      expect(operation.failed, `${operation.operation} ${JSON.stringify(operation.outcomes)}`).toBe(0);
      expect(operation.completed).toBe(PATIENTS);
    }
    const find = summary.operations.find((operation) => operation.operation === 'qr.find');
    const get = summary.operations.find((operation) => operation.operation === 'qr.get');
    // Only the seeded priors: each patient's studies, and at series level their series.
    expect(find?.matches).toBe(PATIENTS * STUDIES_PER_PATIENT * (1 + resolveShape({ modality: 'CR', images: IMAGES }).series));
    expect(get).toMatchObject({ matches: PATIENTS * STUDIES_PER_PATIENT, instancesRetrieved: PATIENTS * IMAGES });
    const qr = simulator.stats().dimse.qr;
    expect(qr.getRequests).toBe(PATIENTS);
    expect(qr.subOperationsCompleted).toBe(PATIENTS * IMAGES);
    expect(summary.operations.find((operation) => operation.operation === 'qr.get')?.bytesReceived).toBeGreaterThan(PATIENTS * IMAGES * 16 * 1024);
  }, 60_000);

  it('of a split run (--segment), only the instance that owns item 0 seeds', async () => {
    const profile = parseProfileText(
      ['name: split', 'seedPriors: { patients: 2, modality: CR, images: 1, imageSize: 16KiB }', 'scenarios:', '  echo: { operation: dimse.echo, executor: iterations, iterations: 2 }'].join('\n'),
      'split.yaml',
    );
    const seededBy = async (index: number): Promise<{ seeded: SeedPriorsSummary | undefined; instances: number | undefined }> => {
      let simulator: RunningSimulator | undefined;
      const { summary } = await runLoad({
        profile,
        workers: 1,
        outputs: [],
        env: {},
        workerFilename: WORKER_PATH,
        segment: { kind: 'stripe', index, count: 2 },
        onSimulatorStarted: (started) => (simulator = started),
      });
      return { seeded: summary.seedPriors, instances: simulator?.storeStats().instances };
    };
    expect(await seededBy(0)).toMatchObject({ seeded: { studiesStored: 2 }, instances: 2 });
    expect(await seededBy(1)).toEqual({ seeded: undefined, instances: 0 });
  }, 60_000);

  for (const via of ['dimse', 'dicomweb'] as const) {
    it(`fails the run with ERR_SEED_FAILED when the target stores nothing (${via}), after at most ${EARLY_STOP_STUDIES} studies`, async () => {
      const profile = parseProfileText(
        [
          'name: seed-refused',
          // A simulator that refuses every instance (C-STORE A700, STOW-RS failure reason A700): it keeps 1 KiB at most.
          'simulator: { storeMaxBytes: 1KiB, storeWhenFull: refuse }',
          `seedPriors: { patients: 20, studiesPerPatient: 2, modality: CR, images: 1, imageSize: 16KiB, via: ${via} }`,
          'scenarios:',
          '  find: { operation: qr.find, executor: iterations, iterations: 1 }',
        ].join('\n'),
        'seed-refused.yaml',
      );
      let simulator: RunningSimulator | undefined;
      let told: SeedPriorsSummary | undefined;
      const failed = await runLoad({
        profile,
        workers: 1,
        outputs: [],
        env: {},
        workerFilename: WORKER_PATH,
        onSimulatorStarted: (started) => (simulator = started),
        onPriorsSeeded: (seeded) => (told = seeded),
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(PacsLoadError);
      const error = failed as PacsLoadError;
      expect(error.code).toBe('ERR_SEED_FAILED');
      expect(error.exitCode).toBe(ExitCode.preflightFailed);
      expect(error.message).toContain(via === 'dimse' ? 'dimse_failure_a700' : 'http_409');
      expect(error.hint).toContain('seedPriors');
      // Bounded: it gave up after the first studies instead of sending all 40.
      expect(told?.studiesStored).toBe(0);
      expect(told?.studiesFailed).toBeGreaterThanOrEqual(EARLY_STOP_STUDIES);
      expect(told?.studiesFailed).toBeLessThan(EARLY_STOP_STUDIES + SEED_CONCURRENCY);
      expect((told?.studiesFailed ?? 0) + (told?.studiesNotSent ?? 0)).toBe(40);
      expect(simulator?.storeStats()).toMatchObject({ studies: 0, instances: 0 });
    }, 60_000);
  }

  it('the CLI prints what was seeded (and `validate` what will be), and exits 4 naming the reason when nothing was', async () => {
    const dir = await tempDir();
    try {
      const seeds = ['name: cli-seeded', 'seedPriors: { patients: 2, studiesPerPatient: 2, modality: CR, images: 1, imageSize: 16KiB }', 'scenarios:'];
      const lookup = '  find: { operation: qr.find, executor: iterations, iterations: 2 }';
      const ok = await runCli(['run', await writeProfile(dir.path, 'ok.yaml', [...seeds, lookup].join('\n')), '--workers', '1']);
      expect(ok.code, ok.stderr).toBe(ExitCode.ok);
      expect(ok.stdout).toContain('seeding priors: 2 CR studies (1 image of 16384 bytes) each for 2 patients (PLSYN-000001 to PLSYN-000002) by C-STORE, before time zero ...');
      expect(ok.stdout).toContain('seeded priors (before time zero, not measured)');
      expect(ok.stdout).toContain('CR by C-STORE: 4 of 4 studies stored, 4 of 4 instances');
      expect(ok.stdout).toContain('for 2 patients (PLSYN-000001 to PLSYN-000002)');

      const refused = ['simulator: { storeMaxBytes: 1KiB, storeWhenFull: refuse }', ...seeds, lookup].join('\n');
      const failed = await runCli(['run', await writeProfile(dir.path, 'refused.yaml', refused), '--workers', '1']);
      expect(failed.code).toBe(ExitCode.preflightFailed);
      expect(failed.stderr).toContain('[ERR_SEED_FAILED]');
      expect(failed.stderr).toContain('all 4 studies sent failed (dimse_failure_a700 (4))');
      expect(failed.stdout).toContain('failed: 4 studies');
      // Nothing was measured: the load never started.
      expect(failed.stdout).not.toContain('per operation');

      const validated = await runCli(['validate', 'profiles/reading-room.yaml']);
      expect(validated.stdout).toContain('seed priors: 3 CT studies (4 images of 262144 bytes) each for 20 patients (PLSYN-000001 to PLSYN-000020) by C-STORE, before time zero');
    } finally {
      await dir.cleanup();
    }
  }, 120_000);
});
