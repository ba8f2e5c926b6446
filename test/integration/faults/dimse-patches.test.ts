/**
 * The dcmjs-dimse patches of the fault matrix (src/protocol/dimse/dcmjs-dimse-fixes.md, edits 11 and
 * 12); each test fails on the library without its edit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Dataset } from '../../../src/protocol/dimse/dcmjs.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { createWorklistFindRequest } from '../../../src/protocol/dimse/requests.js';
import { mwlQueryIdentifier, stationFor } from '../../../src/operations/mwl-find.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { STATIONS, startTestSimulator } from '../dimse/helpers.js';
import type { TestSimulator } from '../dimse/helpers.js';

let running: TestSimulator | undefined;
afterEach(async () => {
  await running?.simulator.close();
  running = undefined;
});

const IMPLICIT = '1.2.840.10008.1.2';

describe('edit 11: a data set cut inside an element is refused, not read as a shorter one', () => {
  const whole = new Dataset({ AccessionNumber: 'ACC123456', PatientID: 'PLSYN-000001', PatientName: 'PACSLOAD^SYNTH^00001' }, IMPLICIT).getDenaturalizedDataset();

  it('reads a whole data set as before', () => {
    expect(new Dataset(whole, IMPLICIT).getElements()).toMatchObject({ AccessionNumber: 'ACC123456', PatientID: 'PLSYN-000001' });
  });

  it('throws for one cut inside a value (unpatched: AccessionNumber "ACC1" and no error)', () => {
    expect(() => new Dataset(whole.subarray(0, 12), IMPLICIT)).toThrow(/^truncated data set: element \(0008,0050\) needs 10 bytes of value, 4 remain$/);
  });

  it('throws for one cut inside a header (unpatched: the elements before it and no error)', () => {
    expect(() => new Dataset(whole.subarray(0, 21), IMPLICIT)).toThrow(/^truncated data set: /);
  });
});

describe('edit 12: after a DIMSE message that cannot be read, the next one is read', () => {
  it('reads the answers after a truncated identifier, without an uncaught ERR_STREAM_WRITE_AFTER_END', async () => {
    // Every C-FIND's first identifier is cut; the simulator then sends the other pending answers and the final one.
    running = await startTestSimulator({ injected: { truncatedDataset: 1 } });
    const result = await runAssociation({
      host: running.simulator.host,
      port: running.simulator.port,
      callingAe: 'PACSLOAD-TEST',
      calledAe: running.simulator.aeTitle,
      connectTimeoutUs: 5_000_000,
      operationTimeoutUs: 5_000_000,
      requests: [createWorklistFindRequest(mwlQueryIdentifier({ station: stationFor(0, STATIONS), modality: 'CT', date: localDicomDate(new Date()) }))],
    });
    expect(result.outcome.kind).toBe('protocol-error');
    const statuses = result.responses.map((response) => response.status);
    // The cut item is lost; the remaining items (pending) and the final success are read.
    expect(statuses.at(-1)).toBe(0);
    expect(statuses.filter((status) => status === 0xff00).length).toBeGreaterThan(0);
  });
});
