/**
 * Against a real Orthanc (issue 3, "Tests that must exist"): C-ECHO, mwl.find
 * over `.wl` files the test writes, dimse.store of a small study per modality,
 * and afterwards Orthanc's REST API shows exactly the instances sent (and its
 * DICOMweb plugin lists the same studies). Skipped only when Orthanc is not
 * installed (scripts/install-peers.sh installs orthanc and orthanc-dicomweb).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOrthanc, startOrthanc } from '../../helpers/orthanc.js';
import type { RunningOrthanc } from '../../helpers/orthanc.js';
import { createDimseEcho } from '../../../src/operations/dimse-echo.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import { createMwlFind, mwlQueryIdentifier } from '../../../src/operations/mwl-find.js';
import type { OperationSetup } from '../../../src/operations/types.js';
import type { DimseTarget, OperationParams } from '../../../src/profile/types.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { Dataset, constants } from '../../../src/protocol/dimse/dcmjs.js';
import { createWorklistFindRequest } from '../../../src/protocol/dimse/requests.js';
import { isPendingStatus } from '../../../src/protocol/dimse/status.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { STORE_MODALITIES } from '../../../src/synth/study-template.js';
import { buildWorklist, stationAeTitle } from '../../../src/synth/worklist.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const STATIONS = 2;
const STEPS_PER_STATION = 3;
/** Small images: the test is about the protocol and the count, not the bandwidth. */
const IMAGES_PER_STUDY = 3;

function target(orthanc: RunningOrthanc): DimseTarget {
  return {
    host: orthanc.host,
    port: orthanc.dicomPort,
    calledAe: orthanc.aeTitle,
    callingAe: 'PACSLOAD-TEST',
    connectTimeoutUs: 5_000_000,
    operationTimeoutUs: 30_000_000,
  };
}

function setup(orthanc: RunningOrthanc, params: Partial<OperationParams>): OperationSetup {
  return {
    target: { dimse: target(orthanc), dicomweb: undefined },
    params: { stations: STATIONS, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 42,
    env: {},
  };
}

const run = (index: number) => ({ iteration: index, signal: new AbortController().signal });

interface OrthancStatistics {
  CountInstances: number;
  CountSeries: number;
  CountStudies: number;
  CountPatients: number;
}

describe.skipIf(skipWithoutPeer(hasOrthanc))('Orthanc peer', () => {
  let orthanc: RunningOrthanc;
  beforeAll(async () => {
    orthanc = await startOrthanc({ dicomweb: true });
    // The worklist: STATION001 and STATION002, three CT steps each, today.
    const worklist = buildWorklist({ stations: STATIONS, stepsPerStation: STEPS_PER_STATION, date: localDicomDate(new Date()), seed: 42, modality: 'CT' });
    worklist.forEach((item, index) => {
      new Dataset(item as unknown as Record<string, unknown>, constants.TransferSyntax.ExplicitVRLittleEndian).toFile(
        join(orthanc.worklistFolder, `item${index}.wl`),
      );
    });
  }, 30_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('answers dimse.echo', async () => {
    const result = await createDimseEcho(setup(orthanc, {})).run(run(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
  });

  it('mwl.find finds exactly the .wl files of the station', async () => {
    const operation = createMwlFind(setup(orthanc, { expectItems: STEPS_PER_STATION }));
    for (const index of [0, 1]) {
      expect((await operation.run(run(index))).outcome).toEqual({ kind: 'ok' });
    }
    // The count itself, on the wire.
    const association = await runAssociation({
      ...target(orthanc),
      requests: [createWorklistFindRequest(mwlQueryIdentifier({ station: stationAeTitle(2), modality: 'CT', date: localDicomDate(new Date()) }))],
    });
    expect(association.outcome).toEqual({ kind: 'ok' });
    expect(association.responses.filter((response) => isPendingStatus(response.status) && response.dataset !== undefined)).toHaveLength(STEPS_PER_STATION);
    // Another modality matches none of the files.
    const none = await createMwlFind(setup(orthanc, { modality: 'MR', expectItems: 0 })).run(run(0));
    expect(none.outcome).toEqual({ kind: 'ok' });
  });

  it('stores a small study per modality, and /statistics shows exactly the instances sent', async () => {
    const before = await orthanc.getJson<OrthancStatistics>('/statistics');
    let sent = 0;
    for (const [index, modality] of STORE_MODALITIES.entries()) {
      const transferSyntax = index % 2 === 0 ? 'explicit-little-endian' : 'implicit-little-endian';
      const operation = createDimseStore(setup(orthanc, { modality, images: IMAGES_PER_STUDY, imageSizeBytes: 4096, transferSyntax }));
      const result = await operation.run(run(100 + index));
      expect(result.outcome, modality).toEqual({ kind: 'ok' });
      sent += IMAGES_PER_STUDY;
    }
    const after = await orthanc.getJson<OrthancStatistics>('/statistics');
    expect(after.CountInstances - before.CountInstances).toBe(sent);
    expect(after.CountStudies - before.CountStudies).toBe(STORE_MODALITIES.length);
    const studies = await orthanc.getJson<string[]>('/studies');
    expect(studies).toHaveLength(after.CountStudies);
    // The same studies through the DICOMweb plugin (orthanc-dicomweb, QIDO-RS), synthetic markers intact.
    const qido = await orthanc.getJson<Array<Record<string, { Value?: unknown[] }>>>('/dicom-web/studies?includefield=00080080');
    expect(qido).toHaveLength(after.CountStudies);
    expect(qido.every((study) => study['00080080']?.Value?.[0] === 'SYNTHETIC LOAD-TEST DATA')).toBe(true);
  }, 60_000);

  it('stores a study split over associations', async () => {
    const before = await orthanc.getJson<OrthancStatistics>('/statistics');
    const operation = createDimseStore(setup(orthanc, { modality: 'CT', images: 7, imagesPerAssociation: 3, imageSizeBytes: 4096 }));
    expect((await operation.run(run(500))).outcome).toEqual({ kind: 'ok' });
    const after = await orthanc.getJson<OrthancStatistics>('/statistics');
    expect(after.CountInstances - before.CountInstances).toBe(7);
    expect(after.CountSeries - before.CountSeries).toBe(2);
  });
});
