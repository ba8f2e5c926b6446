/**
 * dimse.store against the simulator's Storage SCP: whole studies per modality
 * on one or several associations, both little endian transfer syntaxes, the
 * simulator's index of what arrived, injected failures, and a target that
 * dies mid-study.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dimseTarget, iteration, operationSetup, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';
import { createDimseStore, sendStudy } from '../../../src/operations/dimse-store.js';
import type { OperationParams } from '../../../src/profile/types.js';
import { IMAGE_SHAPES, STORE_MODALITIES, buildStudyTemplate } from '../../../src/synth/study-template.js';
import { pickStudyModality, storeStudyIdentity } from '../../../src/synth/store-study.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { Scp, constants, responses } from '../../../src/protocol/dimse/dcmjs.js';
import type { DcmjsAssociation, DcmjsCStoreRequest, DcmjsCStoreResponse } from '../../../src/protocol/dimse/dcmjs.js';
import { fixedAllocator, fixedSend, identityIteration } from '../../../src/synth/identity.js';

let running: TestSimulator | undefined;
let deadServer: Server | undefined;
const deadSockets = new Set<Socket>();

afterEach(async () => {
  await running?.simulator.close();
  running = undefined;
  for (const socket of deadSockets) socket.destroy();
  deadSockets.clear();
  await new Promise((resolve) => (deadServer === undefined ? resolve(undefined) : deadServer.close(resolve)));
  deadServer = undefined;
});

function storeParams(params: Partial<OperationParams>): Partial<OperationParams> {
  return { imageSizeBytes: 2048, ...params };
}

describe('dimse.store against the simulator', () => {
  it.each(STORE_MODALITIES)('stores a whole %s study on one association', async (modality) => {
    running = await startTestSimulator();
    const { simulator } = running;
    // Fixed identities, so the test can name the study it sent (fixedSend).
    const operation = createDimseStore({ ...operationSetup(dimseTarget(simulator), storeParams({ modality, images: 5 })), identities: fixedAllocator(7) });
    const result = await operation.run(iteration(3));
    await operation.close();
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.setupUs).toBeGreaterThan(0);
    expect(result.bytesSent).toBeGreaterThan(5 * 2048);
    const stats = simulator.stats();
    expect(stats.associationsAccepted).toBe(1);
    expect(stats.storeRequests).toBe(5);
    expect(stats.stored.instances).toBe(5);
    expect(stats.stored.studies).toBe(1);
    const [study] = simulator.storeIndex.studies();
    expect(study?.studyInstanceUid).toBe(storeStudyIdentity(fixedSend(7, 'dimse.store', 3), new Date()).studyInstanceUid);
    expect(study?.patientId).toMatch(/^PLSYN-/);
    // MG_TOMO is written as Modality MG (PS3.3 C.7.3.1.1.1 has no tomosynthesis value).
    expect(study?.series[0]?.modality).toBe(IMAGE_SHAPES[modality].dicomModality);
    // Every data set is at least its pixel data; the header is a few hundred bytes.
    expect(stats.stored.bytes).toBeGreaterThan(5 * 2048);
    expect(stats.stored.bytes).toBeLessThan(5 * (2048 + 2048));
  });

  it('splits a study over associations and sends implicit VR when asked', async () => {
    running = await startTestSimulator();
    const { simulator } = running;
    const operation = createDimseStore(
      operationSetup(dimseTarget(simulator), storeParams({ modality: 'CT', images: 7, imagesPerAssociation: 3, transferSyntax: 'implicit-little-endian' })),
    );
    const result = await operation.run(iteration(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
    const stats = simulator.stats();
    expect(stats.associationsAccepted).toBe(3);
    expect(stats.stored.instances).toBe(7);
    expect(stats.stored.series).toBe(2);
  });

  it('sends the studies of a modality mix, each modality as the seed picks it', async () => {
    running = await startTestSimulator();
    const { simulator } = running;
    const mix = { CT: 2, US: 1, MG: 1 };
    const operation = createDimseStore(operationSetup(dimseTarget(simulator), storeParams({ modalityMix: mix, images: 2 })));
    const iterations = [0, 1, 2, 3, 4, 5, 6, 7];
    for (const index of iterations) expect((await operation.run(iteration(index))).outcome).toEqual({ kind: 'ok' });
    const expected = iterations.map((index) => pickStudyModality(mix, 7, index)).sort();
    const stored = simulator.storeIndex.studies().map((study) => study.series[0]?.modality ?? '').sort();
    expect(stored).toEqual(expected);
    expect(new Set(stored).size).toBeGreaterThan(1);
  });

  it('re-sends earlier studies for duplicateSends, the same modality and identities, and two scenarios never share one', async () => {
    running = await startTestSimulator();
    const { simulator } = running;
    const mix = { CT: 1, MR: 1 };
    const identities = fixedAllocator(7, 1);
    const operation = createDimseStore({ ...operationSetup(dimseTarget(simulator), storeParams({ modalityMix: mix, images: 2, duplicateSends: 40 })), identities });
    const iterations = Array.from({ length: 12 }, (_, index) => index);
    const acknowledged: string[] = [];
    for (const index of iterations) {
      const result = await operation.run(iteration(index));
      expect(result.outcome).toEqual({ kind: 'ok' });
      acknowledged.push(...(result.acknowledged ?? []).map((instance) => instance.sopInstanceUid));
    }
    const originals = new Set(iterations.map((index) => identityIteration(7, 1, index, 40)));
    expect(originals.size).toBeLessThan(iterations.length);
    expect(acknowledged).toHaveLength(24);
    expect(simulator.stats().stored.instances).toBe(originals.size * 2);
    expect(simulator.storeIndex.studies().map((study) => study.studyInstanceUid).sort()).toEqual(
      [...originals].map((index) => identities.send('dimse.store', index).studyInstanceUid).sort(),
    );
    // Each study holds one modality: a re-send is the earlier study, not a new one under its UIDs.
    expect(simulator.storeIndex.studies().every((study) => new Set(study.series.map((series) => series.modality)).size === 1)).toBe(true);

    // Another scenario of the same run, same seed and iterations: its own studies.
    const other = createDimseStore({ ...operationSetup(dimseTarget(simulator), storeParams({ modality: 'CR', images: 1 })), identities: fixedAllocator(7, 2) });
    for (const index of [0, 1, 2]) expect((await other.run(iteration(index))).outcome).toEqual({ kind: 'ok' });
    expect(simulator.storeIndex.studies()).toHaveLength(originals.size + 3);
  });

  it('counts a failure status from the SCP as a failed study', async () => {
    running = await startTestSimulator({ errorRate: 1 });
    const operation = createDimseStore(operationSetup(dimseTarget(running.simulator), storeParams({ modality: 'MR', images: 3 })));
    const result = await operation.run(iteration(0));
    expect(result.outcome).toEqual({ kind: 'dimse-failure', status: 0xa700, reason: 'simulated failure (simulator errorRate)' });
    expect(running.simulator.stats().stored.instances).toBe(0);
  });

  it('sends a 3 MiB image in PDUs without copying it whole per send', async () => {
    running = await startTestSimulator();
    const template = buildStudyTemplate({ modality: 'CR', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 2, imageSizeBytes: 3 * 1024 * 1024, seed: 1 });
    const result = await sendStudy({ target: dimseTarget(running.simulator), template, study: storeStudyIdentity(fixedSend(1, 'dimse.store', 0), new Date()) });
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.instancesStored).toBe(2);
    expect(result.storedInstanceUids).toHaveLength(2);
    expect(running.simulator.stats().stored.bytes).toBeGreaterThan(2 * 3 * 1024 * 1024);
  });

  it('counts warnings B000, B006 and B007 as stored (PS3.4 B.2.3), and a failure among them fails the study', async () => {
    // Answers image n with statuses[n % statuses.length].
    let statuses: number[] = [];
    class WarningScp extends Scp {
      override associationRequested(association: DcmjsAssociation): void {
        for (const { context } of association.getPresentationContexts()) {
          context.setResult(constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
        }
        this.sendAssociationAccept();
      }
      override associationReleaseRequested(): void {
        this.sendAssociationReleaseResponse();
      }
      override cStoreRequest(request: DcmjsCStoreRequest, callback: (response: DcmjsCStoreResponse) => void): void {
        const response = responses.CStoreResponse.fromRequest(request);
        response.setStatus(statuses[(request.getMessageId() - 1) % statuses.length] ?? 0);
        callback(response);
      }
    }
    deadServer = createServer((socket) => {
      deadSockets.add(socket);
      new WarningScp(socket);
    });
    await new Promise<void>((resolve) => deadServer?.listen(0, '127.0.0.1', resolve));
    const port = (deadServer.address() as AddressInfo).port;
    const target = dimseTarget({ host: '127.0.0.1', port, aeTitle: 'WARNINGS' });
    const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 4, imageSizeBytes: 1024, seed: 1 });

    statuses = [0x0000, 0xb000, 0xb006, 0xb007];
    const warned = await sendStudy({ target, template, study: storeStudyIdentity(fixedSend(1, 'dimse.store', 0), new Date()) });
    expect(warned.outcome).toEqual({ kind: 'dimse-warning', status: 0xb000 });
    expect(warned.instancesStored).toBe(4);

    statuses = [0xb006, 0xa700, 0x0000, 0x0000];
    const failed = await sendStudy({ target, template, study: storeStudyIdentity(fixedSend(1, 'dimse.store', 1), new Date()) });
    expect(failed.outcome).toEqual({ kind: 'dimse-failure', status: 0xa700 });
    expect(failed.instancesStored).toBe(3);
    expect(failed.instancesAnswered).toBe(4);
  });

  it('classifies a target that dies mid-study as aborted', async () => {
    // Accepts the association, lets a few data PDUs arrive, then resets the connection.
    class DyingScp extends Scp {
      override associationRequested(association: DcmjsAssociation): void {
        for (const { context } of association.getPresentationContexts()) {
          context.setResult(constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
        }
        this.sendAssociationAccept();
      }
    }
    deadServer = createServer((socket) => {
      deadSockets.add(socket);
      let received = 0;
      socket.on('data', (data: Buffer) => {
        received += data.length;
        if (received > 200_000) socket.resetAndDestroy();
      });
      new DyingScp(socket);
    });
    await new Promise<void>((resolve) => deadServer?.listen(0, '127.0.0.1', resolve));
    const port = (deadServer.address() as AddressInfo).port;
    const target = dimseTarget({ host: '127.0.0.1', port, aeTitle: 'DYING' });
    const operation = createDimseStore(operationSetup(target, storeParams({ modality: 'CT', images: 20, imageSizeBytes: 64 * 1024 })));
    const result = await operation.run(iteration(0));
    expect(result.outcome).toMatchObject({ kind: 'aborted', reason: expect.stringMatching(/^study cut short after \d+ answered images: /) });
    expect(result.bytesSent).toBeGreaterThan(0);
  });

  it('reports connection refused when the target is not there at all', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const operation = createDimseStore(operationSetup(dimseTarget({ host: '127.0.0.1', port, aeTitle: 'NOBODY' }), storeParams({ images: 2 })));
    const result = await operation.run(iteration(0));
    expect(result.outcome).toMatchObject({ kind: 'connection-refused', reason: expect.stringMatching(/^connect ECONNREFUSED .* \(while connecting\)$/) });
  });
});
