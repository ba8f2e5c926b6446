/**
 * `--verify` over QIDO-RS (issue 3, item 4: "C-FIND at image level, or QIDO"):
 * a profile whose target has only a DICOMweb side sends studies by STOW-RS;
 * the instances the STOW answers referenced are then searched with QIDO-RS,
 * one series at a time. Runs through runLoad with the built worker (`npm run build` first).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { verifyStored } from '../../../src/coordinator/verify-stored.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { createDicomwebClient } from '../../../src/protocol/dicomweb/client.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { WORKER_PATH } from '../../helpers/cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<RunningSimulator> {
  const running = await startSimulator({ settings: parseProfileText('name: s\nscenarios:\n  e: { operation: dimse.echo, executor: iterations, iterations: 1 }\n', 's.yaml').simulator });
  cleanups.push(() => running.close());
  return running;
}

function stowProfile(baseUrl: string): string {
  return [
    'name: verify-qido',
    'preflight: false',
    `target: { dicomweb: { baseUrl: "${baseUrl}" } }`,
    'scenarios:',
    '  stow: { operation: stow.study, executor: iterations, iterations: 3, images: 5, imagesPerRequest: 2, imageSize: 8KiB }',
  ].join('\n');
}

describe('run --verify against a DICOMweb-only target', () => {
  it('checks every instance the STOW answers referenced with QIDO-RS and finds none missing', async () => {
    const sim = await simulator();
    const profile = parseProfileText(stowProfile(sim.dicomweb.baseUrl), 'verify.yaml');
    const { summary } = await runLoad({ profile, workers: 2, outputs: [], env: {}, workerFilename: WORKER_PATH, verify: true });
    expect(summary.operations[0]?.outcomes).toEqual({ ok: 3 });
    expect(summary.verify).toMatchObject({ checked: 15, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 15, distinctInstances: 15, acknowledgedMoreThanOnce: 0 });
    expect(summary.verify?.error).toBeUndefined();
  });

  it('names an acknowledged instance the archive does not return, and counts a failed search as not checked', async () => {
    const sim = await simulator();
    const profile = parseProfileText(stowProfile(sim.dicomweb.baseUrl), 'verify.yaml');
    const acknowledged: Array<{ studyUid: string; seriesUid: string | undefined; sopInstanceUid: string }> = [];
    // Send studies, then ask about an instance never sent, in a series the archive holds and in an unknown study.
    await runLoad({ profile, workers: 1, outputs: [], env: {}, workerFilename: WORKER_PATH, verify: true });
    const client = createDicomwebClient({ baseUrl: sim.dicomweb.baseUrl, connections: 1, timeoutUs: 5_000_000 });
    cleanups.push(() => client.close());
    const studies = (await (await fetch(`${sim.dicomweb.baseUrl}/studies?limit=1000`)).json()) as Array<Record<string, { Value: string[] }>>;
    const stowed = studies.map((study) => study['0020000D']!.Value[0]!).filter((uid) => uid !== undefined);
    expect(stowed.length).toBeGreaterThan(0);
    const studyUid = stowed[0]!;
    const series = (await (await fetch(`${sim.dicomweb.baseUrl}/studies/${studyUid}/series`)).json()) as Array<Record<string, { Value: string[] }>>;
    const seriesUid = series[0]!['0020000E']!.Value[0]!;
    acknowledged.push({ studyUid, seriesUid, sopInstanceUid: '2.25.1234567890' });
    acknowledged.push({ studyUid: '2.25.999', seriesUid: '2.25.999.1', sopInstanceUid: '2.25.999.1.1' });

    const result = await verifyStored({ target: undefined, dicomweb: client, instances: acknowledged, notKept: 0 });
    expect(result.checked).toBe(2);
    expect(result.missing).toBe(2);
    expect(result.missingInstances).toEqual(['2.25.1234567890', '2.25.999.1.1']);

    await sim.close();
    const afterDeath = await verifyStored({ target: undefined, dicomweb: client, instances: acknowledged, notKept: 0 });
    expect(afterDeath).toMatchObject({ checked: 0, missing: 0, notChecked: 2 });
    expect(afterDeath.error).toMatch(/2 of 2 QIDO-RS searches failed/);
  });
});
