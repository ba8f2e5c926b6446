/**
 * `--verify` against a real PACS (issue 3, item 4): the IMAGE-level Study Root
 * C-FIND of src/coordinator/verify-stored.ts finds every instance Orthanc
 * acknowledged, and names one deleted behind the sender's back (through
 * Orthanc's REST API: acknowledged, then lost). Skipped only when Orthanc is
 * not installed (scripts/install-peers.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStored } from '../../../src/coordinator/verify-stored.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import type { AcknowledgedInstance } from '../../../src/operations/types.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { hasOrthanc, startOrthanc } from '../../helpers/orthanc.js';
import type { RunningOrthanc } from '../../helpers/orthanc.js';
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
    expect(await verifyStored({ target, instances: acknowledged, notKept: 0 })).toEqual({ checked: 12, missing: 0, missingInstances: [], notChecked: 0 });

    const lost = acknowledged[4]!.sopInstanceUid;
    const lookup = await fetch(`${orthanc.restUrl}/tools/lookup`, { method: 'POST', body: lost });
    const [resource] = (await lookup.json()) as Array<{ ID: string; Type: string }>;
    expect(resource?.Type).toBe('Instance');
    expect((await fetch(`${orthanc.restUrl}/instances/${resource?.ID}`, { method: 'DELETE' })).ok).toBe(true);
    expect(await verifyStored({ target, instances: acknowledged, notKept: 0 })).toEqual({ checked: 12, missing: 1, missingInstances: [lost], notChecked: 0 });
  }, 60_000);
});
