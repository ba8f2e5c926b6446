/**
 * The bytes of the simulator's broken DIMSE answers (src/simulator/dimse-fault-pdus.ts).
 */
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../src/protocol/dimse/dcmjs.js';
import { findDatasetTruncation } from '../../../src/protocol/dimse/dataset-structure.js';
import { captureWrites, cutMidPdu, malformedPdu, truncateDataset } from '../../../src/simulator/dimse-fault-pdus.js';

/** A P-DATA-TF with one last-fragment PDV (PS3.8 9.3.5, E.2). */
function pDataTf(value: Buffer, command: boolean): Buffer {
  const pdu = Buffer.alloc(12 + value.length);
  pdu.writeUInt8(0x04, 0);
  pdu.writeUInt32BE(6 + value.length, 2);
  pdu.writeUInt32BE(2 + value.length, 6);
  pdu.writeUInt8(1, 10);
  pdu.writeUInt8((command ? 1 : 0) | 2, 11);
  value.copy(pdu, 12);
  return pdu;
}

const command = new Dataset({ AffectedSOPClassUID: '1.2.840.10008.5.1.4.31', CommandField: 0x8020, MessageIDBeingRespondedTo: 1, CommandDataSetType: 0x0001, Status: 0xff00 }).getDenaturalizedCommandDataset();
const identifier = new Dataset({ AccessionNumber: 'ACC123456', PatientName: 'PACSLOAD^SYNTH^00001', PatientID: 'PLSYN-000001' }).getDenaturalizedDataset();

describe('captureWrites', () => {
  it('returns what the callback wrote, one buffer per write, and restores write', () => {
    const socket = new Socket();
    const original = socket.write;
    const captured = captureWrites(socket, () => {
      socket.write(Buffer.from([1, 2]));
      socket.write(Buffer.from([3]));
    });
    expect(captured).toEqual([Buffer.from([1, 2]), Buffer.from([3])]);
    expect(socket.write).toBe(original);
    socket.destroy();
  });
});

describe('cutMidPdu', () => {
  it('keeps the PDUs before the middle one and half of it, whose header promises more', () => {
    const pdus = [pDataTf(command, true), pDataTf(identifier, false), pDataTf(command, true)];
    const cut = cutMidPdu(pdus);
    const middle = pdus[1] as Buffer;
    expect(cut.subarray(0, pdus[0]?.length)).toEqual(pdus[0]);
    const partial = cut.subarray(pdus[0]?.length);
    expect(partial.length).toBe(Math.floor(middle.length / 2));
    expect(middle.subarray(0, partial.length)).toEqual(partial);
    expect(partial.readUInt32BE(2)).toBeGreaterThan(partial.length - 6);
  });

  it('cuts a single PDU in half', () => {
    const pdu = pDataTf(command, true);
    expect(cutMidPdu([pdu])).toEqual(pdu.subarray(0, Math.floor(pdu.length / 2)));
  });
});

describe('malformedPdu', () => {
  it('alternates an undefined PDU type and a PDV item longer than its PDU', () => {
    const unknown = malformedPdu(0);
    expect(unknown.readUInt8(0)).toBe(0x0a);
    expect(unknown.readUInt32BE(2)).toBe(unknown.length - 6);
    const inconsistent = malformedPdu(1);
    expect(inconsistent.readUInt8(0)).toBe(0x04);
    expect(inconsistent.readUInt32BE(2)).toBe(inconsistent.length - 6);
    expect(inconsistent.readUInt32BE(6)).toBeGreaterThan(inconsistent.length - 10);
    expect(malformedPdu(2)).toEqual(unknown);
  });
});

describe('truncateDataset', () => {
  it('cuts the first identifier inside an element and keeps the framing consistent', () => {
    const pdus = [pDataTf(command, true), pDataTf(identifier, false), pDataTf(command, true), pDataTf(identifier, false)];
    const result = truncateDataset(pdus, false);
    expect(result).toHaveLength(4);
    expect(result[0]).toEqual(pdus[0]);
    expect(result.slice(2)).toEqual(pdus.slice(2));
    const cut = result[1] as Buffer;
    expect(cut.readUInt32BE(2)).toBe(cut.length - 6);
    expect(cut.readUInt32BE(6)).toBe(cut.length - 10);
    expect(cut.readUInt8(11)).toBe(0x02);
    const value = cut.subarray(12);
    expect(value.length).toBeLessThan(identifier.length);
    expect(identifier.subarray(0, value.length)).toEqual(value);
    expect(findDatasetTruncation(value, false)).toBeDefined();
  });

  it('cuts the command set when the answer has no data set', () => {
    const pdus = [pDataTf(command, true)];
    const value = (truncateDataset(pdus, false)[0] as Buffer).subarray(12);
    expect(value.length).toBeLessThan(command.length);
    expect(findDatasetTruncation(value, false)).toBeDefined();
  });
});
