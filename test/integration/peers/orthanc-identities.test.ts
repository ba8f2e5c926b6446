/**
 * What Orthanc received is what pacs-load reports (issue 14, items 1 and 2),
 * through the built CLI as a user runs it: one profile with three
 * `dimse.store` scenarios of different modalities, a `stow.study` scenario and
 * a chain `[mwl.find, dimse.store]` whose station has fewer worklist items
 * than the chain has runs, so it meets each item more than once.
 * - Orthanc's `/statistics` CountInstances and CountStudies deltas equal the
 *   acknowledged instances and studies the summary and the console report,
 *   exactly, and `--verify` finds every instance.
 * - The same profile and seed again (a nightly rerun): Orthanc gains exactly
 *   as many instances again (new identities; the chain's studies are the
 *   worklist's, which Orthanc already holds).
 * - `--identities fixed` twice: the second run adds no instance, and the
 *   summary and console say identities were fixed.
 * Skipped only when Orthanc is not installed (scripts/install-peers.sh).
 * Uses the built code (`npm run build` first).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { Dataset, constants } from '../../../src/protocol/dimse/dcmjs.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist } from '../../../src/synth/worklist.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { hasOrthancDicomweb, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

/** Worklist items of the chain's station: fewer than the chain's runs. */
const WORKLIST_ITEMS = 2;
const CHAIN_RUNS = 5;
/** Instances each run should add: CT 3 x 3, MR 3 x 2, CR 2 x 2, STOW 2 x 3, chain 5 x 2. */
const INSTANCES_PER_RUN = 9 + 6 + 4 + 6 + CHAIN_RUNS * 2;
/** Studies each run acknowledges: 3 + 3 + 2 + 2 sent, and the chain's worklist items. */
const STUDIES_PER_RUN = 3 + 3 + 2 + 2 + WORKLIST_ITEMS;

interface OrthancStatistics {
  CountInstances: number;
  CountStudies: number;
}

describe.skipIf(skipWithoutPeer(hasOrthancDicomweb))('identities against Orthanc', () => {
  let orthanc: RunningOrthanc;
  let dir: { path: string; cleanup: () => Promise<void> };
  let profile: string;

  beforeAll(async () => {
    orthanc = await startOrthanc({ dicomweb: true });
    dir = await tempDir();
    const worklist = buildWorklist({ stations: 1, stepsPerStation: WORKLIST_ITEMS, date: localDicomDate(new Date()), seed: 42, modality: 'CT' });
    worklist.forEach((item, index) => {
      new Dataset(item as unknown as Record<string, unknown>, constants.TransferSyntax.ExplicitVRLittleEndian).toFile(join(orthanc.worklistFolder, `item${index}.wl`));
    });
    const store = (modality: string, iterations: number, images: number): string =>
      `{ operation: dimse.store, executor: iterations, iterations: ${iterations}, users: 2, modality: ${modality}, images: ${images}, imageSize: 4KiB }`;
    profile = await writeProfile(
      dir.path,
      'identities.yaml',
      `name: identities-against-orthanc
seed: 7
target:
  dimse: { host: 127.0.0.1, port: ${orthanc.dicomPort}, calledAe: ${orthanc.aeTitle}, callingAe: PACSLOAD }
  dicomweb: { baseUrl: "${orthanc.restUrl}/dicom-web" }
scenarios:
  ct: ${store('CT', 3, 3)}
  mr: ${store('MR', 3, 2)}
  cr: ${store('CR', 2, 2)}
  stow: { operation: stow.study, executor: iterations, iterations: 2, users: 2, modality: CT, images: 3, imageSize: 4KiB }
  modality:
    operation: chain
    executor: iterations
    iterations: ${CHAIN_RUNS}
    users: 2
    steps: [mwl.find, dimse.store]
    stations: 1
    modality: CT
    images: 2
    imageSize: 4KiB
`,
    );
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await dir?.cleanup();
  });

  /** Runs the profile through the CLI; Orthanc's gain and the summary the run wrote. */
  const run = async (name: string, extra: string[]): Promise<{ gained: OrthancStatistics; summary: RunSummary; stdout: string; code: number | null }> => {
    const before = await orthanc.getJson<OrthancStatistics>('/statistics');
    const out = join(dir.path, `${name}.json`);
    const result = await runCli(['run', profile, '-w', '2', '--quiet', '--out', out, ...extra]);
    expect(result.stderr, name).toBe('');
    const after = await orthanc.getJson<OrthancStatistics>('/statistics');
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    return {
      gained: { CountInstances: after.CountInstances - before.CountInstances, CountStudies: after.CountStudies - before.CountStudies },
      summary,
      stdout: result.stdout,
      code: result.code,
    };
  };

  it('gains exactly what pacs-load reports, verify finds it all, and a rerun with the same seed adds as many instances again', async () => {
    const first = await run('first', ['--verify']);
    expect(first.code).toBe(0);
    const stored = first.summary.stored!;
    expect(stored.acknowledgedInstances).toBe(INSTANCES_PER_RUN);
    expect(stored.studies).toBe(STUDIES_PER_RUN);
    // The archive's own counts, exactly.
    expect(first.gained).toEqual({ CountInstances: stored.acknowledgedInstances, CountStudies: stored.studies });
    expect(stored.scenarios.map((scenario) => [scenario.scenario, scenario.acknowledgedInstances, scenario.studies])).toEqual([
      ['ct', 9, 3],
      ['mr', 6, 3],
      ['cr', 4, 2],
      ['stow', 6, 2],
      ['modality', CHAIN_RUNS * 2, WORKLIST_ITEMS],
    ]);
    expect(first.summary.verify).toMatchObject({ checked: INSTANCES_PER_RUN, missing: 0, notChecked: 0 });
    expect(first.summary.identities).toMatchObject({ mode: 'unique', uidRoot: '2.25', duplicatesIntended: false });
    expect(first.stdout).toContain(`stored: ${INSTANCES_PER_RUN} acknowledged instances in ${STUDIES_PER_RUN} studies`);

    const second = await run('second', []);
    expect(second.code).toBe(0);
    expect(second.summary.identities?.runComponent).not.toBe(first.summary.identities?.runComponent);
    expect(second.summary.stored?.acknowledgedInstances).toBe(INSTANCES_PER_RUN);
    expect(second.gained.CountInstances).toBe(INSTANCES_PER_RUN);
    // New studies, except the chain's: they are the worklist items' studies, which Orthanc holds already.
    expect(second.gained.CountStudies).toBe(STUDIES_PER_RUN - WORKLIST_ITEMS);
  }, 240_000);

  it('with --identities fixed, a second run with the same seed re-sends the same objects and says so', async () => {
    const first = await run('fixed-1', ['--identities', 'fixed']);
    expect(first.code).toBe(0);
    expect(first.gained.CountInstances).toBe(INSTANCES_PER_RUN);
    const again = await run('fixed-2', ['--identities', 'fixed']);
    expect(again.code).toBe(0);
    expect(again.summary.stored?.acknowledgedInstances).toBe(INSTANCES_PER_RUN);
    expect(again.gained).toEqual({ CountInstances: 0, CountStudies: 0 });
    expect(again.summary.identities).toMatchObject({ mode: 'fixed', runComponent: first.summary.identities?.runComponent, duplicatesIntended: true });
    expect(again.stdout).toContain('identities: fixed');
  }, 240_000);
});
