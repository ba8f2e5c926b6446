import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createQidoStudies } from '../../../src/operations/qido-studies.js';
import type { Operation, OperationSetup } from '../../../src/operations/types.js';
import type { DicomwebTarget } from '../../../src/profile/types.js';
import { startDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStudies } from '../../../src/synth/studies.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function todayDa(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

async function simulatorUrl(count: number): Promise<string> {
  const sim = await startDicomwebSimulator({
    studies: buildStudies({ count, seed: 5, date: todayDa() }),
    faults: new FaultInjector(NO_FAULTS),
  });
  cleanups.push(() => sim.close());
  return sim.baseUrl;
}

function setup(dicomweb: Partial<DicomwebTarget> & { baseUrl: string }, overrides: Partial<OperationSetup> = {}): OperationSetup {
  return {
    target: {
      dimse: undefined,
      dicomweb: { connections: 2, operationTimeoutUs: 5_000_000, auth: undefined, ...dicomweb },
    },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: 10 },
    workerIndex: 0,
    workerCount: 1,
    seed: 1,
    env: {},
    ...overrides,
  };
}

function operation(operationSetup: OperationSetup): Operation {
  const created = createQidoStudies(operationSetup);
  cleanups.push(() => created.close());
  return created;
}

const context = (iteration: number) => ({ iteration, signal: new AbortController().signal });

describe('qido.studies', () => {
  it("finds a page of today's CT studies on the simulator, with bytes and ttfb", async () => {
    const qido = operation(setup({ baseUrl: await simulatorUrl(200) }));
    expect(qido.name).toBe('qido.studies');
    const result = await qido.run(context(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
    // 10 studies of about 1.1 KB each.
    expect(result.bytesReceived).toBeGreaterThan(10_000);
    expect(result.bytesSent).toBeGreaterThan(100);
    expect(Number.isInteger(result.ttfbUs)).toBe(true);
  });

  it('keeps succeeding under concurrent runs', async () => {
    const qido = operation(setup({ baseUrl: await simulatorUrl(100), connections: 4 }));
    const results = await Promise.all(Array.from({ length: 200 }, (_, index) => qido.run(context(index))));
    expect(results.map((result) => outcomeKey(result.outcome))).toEqual(Array(200).fill('ok'));
  });

  it('fails the check when the answer is not a DICOM JSON array', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>login</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const qido = operation(setup({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web` }));
    expect(outcomeKey((await qido.run(context(0))).outcome)).toBe('check_failed');
  });

  it('throws ERR_USAGE naming the variable when the token variable is unset', () => {
    let thrown: unknown;
    try {
      createQidoStudies(setup({ baseUrl: 'http://127.0.0.1:1/dicom-web', auth: { kind: 'bearer', tokenEnv: 'PACS_TOKEN' } }));
    } catch (error) {
      thrown = error;
    }
    expect(isPacsLoadError(thrown) && thrown.code === 'ERR_USAGE' && thrown.hint.includes('PACS_TOKEN')).toBe(true);
  });

  it('throws ERR_PROFILE_INVALID for an unusable base URL', () => {
    expect(() => createQidoStudies(setup({ baseUrl: 'ftp://127.0.0.1/dicom-web' }))).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }),
    );
  });

  it('throws ERR_PROFILE_INVALID without a DICOMweb target', () => {
    const noTarget = { ...setup({ baseUrl: 'http://127.0.0.1:1' }), target: { dimse: undefined, dicomweb: undefined } };
    expect(() => createQidoStudies(noTarget)).toThrow(expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }));
  });
});
