/**
 * Issue 14, item 4 against a real PACS without MPPS: the default chain
 * (mwl.find, mpps.inProgress, dimse.store, mpps.completed) run by the built
 * CLI against Orthanc with its worklist plugin. Orthanc has no MPPS SCP, so
 * every `mpps.inProgress` is `check_failed`; the reason (no accepted
 * presentation context for the MPPS SOP class, by name) must reach the
 * console's error table, the summary JSON, the HTML report and the JUnit
 * failure text, with the count of the failures. Skipped only when Orthanc is
 * not installed (scripts/install-peers.sh).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { Dataset, constants } from '../../../src/protocol/dimse/dcmjs.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist } from '../../../src/synth/worklist.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { hasOrthanc, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const STATIONS = 2;
const STEPS_PER_STATION = 3;
const CHAINS = 6;
const MPPS_REASON = 'no accepted presentation context for Modality Performed Procedure Step SOP Class';

interface OrthancStatistics {
  CountInstances: number;
}

describe.skipIf(skipWithoutPeer(hasOrthanc))('reasons from Orthanc, a PACS without MPPS', () => {
  let orthanc: RunningOrthanc;
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
    orthanc = await startOrthanc();
    const worklist = buildWorklist({ stations: STATIONS, stepsPerStation: STEPS_PER_STATION, date: localDicomDate(new Date()), seed: 42, modality: 'CT' });
    worklist.forEach((item, index) => {
      new Dataset(item as unknown as Record<string, unknown>, constants.TransferSyntax.ExplicitVRLittleEndian).toFile(join(orthanc.worklistFolder, `item${index}.wl`));
    });
  }, 30_000);
  afterAll(async () => {
    await orthanc?.stop();
    await dir?.cleanup();
  });

  it('carries the presentation-context reason of every failed mpps.inProgress to the console, the summary, the HTML and the JUnit report', async () => {
    const profile = await writeProfile(
      dir.path,
      'chain-orthanc.yaml',
      [
        'name: chain-against-orthanc',
        'seed: 5',
        'target:',
        '  dimse:',
        `    host: ${orthanc.host}`,
        `    port: ${orthanc.dicomPort}`,
        `    calledAe: ${orthanc.aeTitle}`,
        '    callingAe: PACSLOAD-TEST',
        'scenarios:',
        '  modality:',
        '    operation: chain',
        '    executor: iterations',
        `    iterations: ${CHAINS}`,
        `    stations: ${STATIONS}`,
        `    expectItems: ${STEPS_PER_STATION}`,
        '    modality: CT',
        '    images: 2',
        '    imageSize: 16KiB',
      ].join('\n'),
    );
    const out = join(dir.path, 'summary.json');
    const html = join(dir.path, 'report.html');
    const junit = join(dir.path, 'junit.xml');
    const before = await orthanc.getJson<OrthancStatistics>('/statistics');
    const result = await runCli(['run', profile, '--workers', '1', '--out', out, '--html', html, '--junit', junit]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    // The summary: every chain found its worklist item, and every N-CREATE failed for the one reason.
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    const series = (operation: string) => summary.operations.find((candidate) => candidate.operation === operation);
    expect(series('mwl.find')?.outcomes).toEqual({ ok: CHAINS });
    const inProgress = series('mpps.inProgress');
    expect(inProgress?.outcomes).toEqual({ check_failed: CHAINS });
    expect(inProgress?.reasons).toEqual({ check_failed: { top: [{ reason: expect.stringContaining(MPPS_REASON) as unknown as string, count: CHAINS }], other: 0 } });
    // The chain ended at the failed step: nothing was stored, as Orthanc's own count says.
    expect(series('dimse.store')).toBeUndefined();
    const after = await orthanc.getJson<OrthancStatistics>('/statistics');
    expect(after.CountInstances - before.CountInstances).toBe(0);

    // The console's error table: the reason in place of the generic gloss, with the count.
    const row = result.stdout.split('\n').find((line) => line.includes('modality/mpps.inProgress') && line.includes('check_failed'));
    expect(row, result.stdout).toBeDefined();
    expect(row).toMatch(new RegExp(`check_failed\\s+${CHAINS}\\s+${MPPS_REASON}`));
    expect(result.stdout).not.toContain('answer failed the response check');

    // The HTML report's errors table, as text.
    const page = await readFile(html, 'utf8');
    const pageText = page.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    expect(pageText).toMatch(new RegExp(`modality/mpps\\.inProgress check_failed ${CHAINS} ${MPPS_REASON}`));

    // The JUnit failure of the step that never succeeded says why.
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain(`check_failed ${CHAINS}: ${MPPS_REASON}`);
  }, 120_000);
});
