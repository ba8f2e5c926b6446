/**
 * `--verify` against a real PACS (issue 3, item 4): the IMAGE-level Study Root
 * C-FIND of src/coordinator/verify-stored.ts finds every instance Orthanc
 * acknowledged, and names one deleted behind the sender's back (through
 * Orthanc's REST API: acknowledged, then lost). Issue 14, item 3: it counts
 * sends, so an instance acknowledged twice is reported (failing unless
 * intended), and `run --verify` catches an instance deleted while the run is
 * still sending, exit 98. Skipped only when Orthanc is not installed
 * (scripts/install-peers.sh). The run test needs `npm run build` (workers run from dist/).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassed } from '../../../src/coordinator/verify-compare.js';
import { verifyStored } from '../../../src/coordinator/verify-stored.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import type { AcknowledgedInstance } from '../../../src/operations/types.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { hasOrthanc, startOrthanc } from '../../helpers/orthanc.js';
import type { RunningOrthanc } from '../../helpers/orthanc.js';
import { runCli, tempDir, writeProfile, type CliResult } from '../../helpers/cli.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

describe.skipIf(skipWithoutPeer(hasOrthanc))('verify against Orthanc', () => {
  let orthanc: RunningOrthanc;
  let target: DimseTarget;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    target = { host: orthanc.host, port: orthanc.dicomPort, calledAe: orthanc.aeTitle, callingAe: 'PACSLOAD-TEST', connectTimeoutUs: 5_000_000, operationTimeoutUs: 30_000_000 };
  }, 30_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('finds every acknowledged instance, then names the one Orthanc lost', async () => {
    const operation = createDimseStore({
      target: { dimse: target, dicomweb: undefined },
      params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, images: 6, imageSizeBytes: 4096 },
      workerIndex: 0,
      workerCount: 1,
      seed: 7,
      env: {},
    });
    const acknowledged: AcknowledgedInstance[] = [];
    for (const iteration of [0, 1]) {
      const result = await operation.run({ iteration, signal: new AbortController().signal });
      expect(result.outcome).toEqual({ kind: 'ok' });
      acknowledged.push(...(result.acknowledged ?? []));
    }
    await operation.close();
    expect(acknowledged).toHaveLength(12);
    expect(await verifyStored({ target, instances: acknowledged, notKept: 0 })).toMatchObject({ checked: 12, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 12, distinctInstances: 12 });

    const lost = acknowledged[4]!.sopInstanceUid;
    const lookup = await fetch(`${orthanc.restUrl}/tools/lookup`, { method: 'POST', body: lost });
    const [resource] = (await lookup.json()) as Array<{ ID: string; Type: string }>;
    expect(resource?.Type).toBe('Instance');
    expect((await fetch(`${orthanc.restUrl}/instances/${resource?.ID}`, { method: 'DELETE' })).ok).toBe(true);
    expect(await verifyStored({ target, instances: acknowledged, notKept: 0 })).toMatchObject({ checked: 12, missing: 1, missingInstances: [lost], notChecked: 0 });
  }, 60_000);

  it('reports instances acknowledged more than once: a failure unless the duplicates were intended (issue 14, item 3)', async () => {
    const operation = createDimseStore({
      target: { dimse: target, dicomweb: undefined },
      params: { stations: 1, modality: 'MR', expectItems: undefined, limit: undefined, images: 4, imageSizeBytes: 4096 },
      workerIndex: 0,
      workerCount: 1,
      seed: 8,
      env: {},
    });
    const before = await orthanc.getJson<OrthancStatistics>('/statistics');
    const acknowledged: AcknowledgedInstance[] = [];
    const result = await operation.run({ iteration: 0, signal: new AbortController().signal });
    expect(result.outcome).toEqual({ kind: 'ok' });
    acknowledged.push(...(result.acknowledged ?? []));
    await operation.close();
    expect(acknowledged).toHaveLength(4);
    // Two of the four acknowledged again: six sends of four instances, as a run re-sending them would report.
    const [first, second] = acknowledged as [AcknowledgedInstance, AcknowledgedInstance];
    const sends = [...acknowledged, second, first];
    const after = await orthanc.getJson<OrthancStatistics>('/statistics');

    const unintended = await verifyStored({ target, instances: sends, notKept: 0 });
    // The archive's count is the tool's distinct count, not its sends.
    expect(after.CountInstances - before.CountInstances).toBe(unintended.distinctInstances);
    expect(unintended).toMatchObject({
      checked: 4,
      missing: 0,
      acknowledgedSends: 6,
      distinctInstances: 4,
      acknowledgedMoreThanOnce: 2,
      extraAcknowledgements: 2,
      duplicateInstances: [second.sopInstanceUid, first.sopInstanceUid],
      duplicatesIntended: false,
    });
    expect(verifyPassed(unintended)).toBe(false);
    expect(unintended.detail).toBe('6 acknowledged sends of 4 distinct instances: 2 acknowledged more than once (unintended, 2 extra acknowledgements); 4 checked: all stored');

    const intended = await verifyStored({ target, instances: sends, notKept: 0, duplicatesIntended: true });
    expect(verifyPassed(intended)).toBe(true);
    expect(intended.detail).toBe('6 acknowledged sends of 4 distinct instances: 2 acknowledged more than once (intended, 2 extra acknowledgements); 4 checked: all stored');
  }, 60_000);

  it('run --verify names an instance deleted through the REST API while the run was still sending, and exits 98', async () => {
    const dir = await tempDir();
    try {
      const before = await orthanc.getJson<OrthancStatistics>('/statistics');
      const known = new Set(await orthanc.getJson<string[]>('/instances'));
      const file = await writeProfile(
        dir.path,
        'delete.yaml',
        [
          'name: verify-delete',
          'preflight: false',
          `target: { dimse: { host: ${orthanc.host}, port: ${orthanc.dicomPort}, calledAe: ${orthanc.aeTitle} } }`,
          'scenarios:',
          // Arrivals for 4 s whatever the machine's speed: the run is still sending when the test deletes.
          '  sends: { operation: dimse.store, executor: constant-arrival-rate, rate: 2/s, duration: 4s, modality: CT, images: 2, imageSize: 16KiB }',
        ].join('\n'),
      );
      const out = join(dir.path, 'summary.json');
      let finished: CliResult | undefined;
      // The built CLI: a run needs its worker threads from dist/.
      const running = runCli(['run', file, '--workers', '1', '--quiet', '--verify', '--seed', '11', '--out', out]).then((result) => (finished = result));
      const deleted = await deleteFirstNewInstance(orthanc, known, () => finished);
      const result = await running;

      // Orthanc stored instances after the deletion: the load, and so the check after it, came later.
      const changes = await orthanc.getJson<{ Changes: Array<{ ChangeType: string; Seq: number }> }>(`/changes?since=${deleted.seq}&limit=1000`);
      expect(changes.Changes.some((change) => change.ChangeType === 'NewInstance' && change.Seq > deleted.seq)).toBe(true);

      expect(result.code, result.stderr).toBe(98);
      expect(result.stdout).toContain(`missing ${deleted.sopInstanceUid}`);
      const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
      expect(summary.verify).toMatchObject({ missing: 1, missingInstances: [deleted.sopInstanceUid], acknowledgedMoreThanOnce: 0 });
      expect(summary.verify?.error).toBeUndefined();
      // What Orthanc holds is what the tool counts as distinct and stored.
      const after = await orthanc.getJson<OrthancStatistics>('/statistics');
      expect(after.CountInstances - before.CountInstances).toBe((summary.verify?.distinctInstances ?? 0) - 1);
      expect(summary.verify?.checked).toBe(summary.verify?.distinctInstances);
    } finally {
      await dir.cleanup();
    }
  }, 120_000);
});

interface OrthancStatistics {
  CountInstances: number;
}

/**
 * Waits for the first instance Orthanc stores that is not in `known`, deletes
 * it through the REST API (DELETE /instances/{id}), and returns its SOP
 * Instance UID and the last sequence number of Orthanc's change log after the deletion.
 */
async function deleteFirstNewInstance(
  orthanc: RunningOrthanc,
  known: ReadonlySet<string>,
  finished: () => CliResult | undefined,
): Promise<{ sopInstanceUid: string; seq: number }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ended = finished();
    if (ended !== undefined) throw new Error(`the run ended (exit ${ended.code}) before Orthanc listed any of its instances: ${ended.stderr}${ended.stdout}`);
    const fresh = (await orthanc.getJson<string[]>('/instances')).find((id) => !known.has(id));
    if (fresh !== undefined) {
      const instance = await orthanc.getJson<{ MainDicomTags: { SOPInstanceUID: string } }>(`/instances/${fresh}`);
      const response = await fetch(`${orthanc.restUrl}/instances/${fresh}`, { method: 'DELETE' });
      expect(response.ok).toBe(true);
      // Every change Orthanc logs after this one happened after the deletion.
      const { Last } = await orthanc.getJson<{ Last: number }>('/changes?last');
      return { sopInstanceUid: instance.MainDicomTags.SOPInstanceUID, seq: Last };
    }
    if (Date.now() > deadline) throw new Error('Orthanc stored no instance of the run within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
