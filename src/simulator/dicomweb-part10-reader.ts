/**
 * Reads a DICOM Part-10 file received by STOW-RS (PS3.10 section 7): the File
 * Meta Information (always Explicit VR Little Endian, PS3.10 7.1) for the
 * transfer syntax, then the data set's attributes up to Pixel Data
 * (src/simulator/dataset-reader.ts).
 *
 * Supports data sets in Explicit or Implicit VR Little Endian (PS3.5 sections
 * A.1, A.2) and the encapsulated transfer syntaxes that use Explicit VR Little
 * Endian for the data set (PS3.5 A.4). Big endian and deflate are reported as
 * unreadable, which the store answers with failure reason 0xC000 (cannot
 * understand), as a strict PACS does.
 */
import type { SyntheticInstance } from '../synth/dicomweb-instances.js';
import { ElementReader, readDataset, UNREADABLE_TRANSFER_SYNTAXES, type DatasetAttributes, type PixelDataLocation } from './dataset-reader.js';

export type Part10Reading = { ok: true; instance: SyntheticInstance } | { ok: false; reason: string };

/** A whole Part-10 file, read: what the store keeps of it. */
export type Part10File =
  | {
      ok: true;
      /** The attributes the store indexes (SyntheticInstance fields filled with defaults, plus the optional extras read). */
      attributes: SyntheticInstance & DatasetAttributes;
      transferSyntaxUid: string;
      /** Where the data set starts (after the File Meta Information). */
      datasetOffset: number;
      /** Pixel Data's value, offset within the whole file; undefined when the head given stops before it or there is none. */
      pixelData: PixelDataLocation | undefined;
    }
  | { ok: false; reason: string };

/** Reads the head of a Part-10 file (the first bytes are enough); the instance fields only, with defaults. */
export function readPart10Head(bytes: Buffer): Part10Reading {
  const file = readPart10(bytes);
  if (!file.ok) return file;
  const { attributes: a } = file;
  return {
    ok: true,
    instance: {
      studyInstanceUid: a.studyInstanceUid,
      seriesInstanceUid: a.seriesInstanceUid,
      sopInstanceUid: a.sopInstanceUid,
      sopClassUid: a.sopClassUid,
      patientId: a.patientId,
      patientName: a.patientName,
      studyDate: a.studyDate,
      accessionNumber: a.accessionNumber,
      modality: a.modality,
      seriesNumber: a.seriesNumber,
      instanceNumber: a.instanceNumber,
      rows: a.rows,
      columns: a.columns,
      bitsAllocated: a.bitsAllocated,
      numberOfFrames: a.numberOfFrames,
    },
  };
}

/** Reads a Part-10 file, or its head: meta information, attributes and where Pixel Data is. */
export function readPart10(bytes: Buffer): Part10File {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') return { ok: false, reason: 'no DICM prefix (PS3.10 7.1)' };
  const reader = new ElementReader(bytes, 132, true);
  let transferSyntax = '';
  while (reader.remaining >= 8 && bytes.readUInt16LE(reader.at) === 0x0002) {
    const element = reader.next();
    if (element === undefined) return { ok: false, reason: 'truncated file meta information' };
    if (element.tag === 0x00020010) transferSyntax = bytes.toString('latin1', element.valueAt, Math.min(bytes.length, element.valueAt + element.length)).replace(/[\0 ]+$/, '');
    reader.skip(element.length);
  }
  if (transferSyntax === '') return { ok: false, reason: 'no transfer syntax in the file meta information' };
  if (UNREADABLE_TRANSFER_SYNTAXES.has(transferSyntax)) return { ok: false, reason: `transfer syntax ${transferSyntax} is not supported` };
  const datasetOffset = reader.at;
  const { attributes, pixelData } = readDataset(bytes, transferSyntax, datasetOffset);
  const completed = withDefaults(attributes);
  if (typeof completed === 'string') return { ok: false, reason: completed };
  return { ok: true, attributes: completed, transferSyntaxUid: transferSyntax, datasetOffset, pixelData };
}

/**
 * The attributes with the defaults an index needs (modality OT, numbers 1,
 * geometry 0 when unknown), or the name of a missing UID (an instance without
 * its UIDs cannot be stored, PS3.4 B.2.3 failure C000).
 */
export function withDefaults(attributes: DatasetAttributes): (SyntheticInstance & DatasetAttributes) | string {
  for (const required of ['sopClassUid', 'sopInstanceUid', 'studyInstanceUid', 'seriesInstanceUid'] as const) {
    if (attributes[required] === undefined || attributes[required] === '') return `no ${required}`;
  }
  const positive = (value: number | undefined, fallback: number): number => (value !== undefined && value > 0 ? value : fallback);
  return {
    ...attributes,
    studyInstanceUid: attributes.studyInstanceUid!,
    seriesInstanceUid: attributes.seriesInstanceUid!,
    sopInstanceUid: attributes.sopInstanceUid!,
    sopClassUid: attributes.sopClassUid!,
    patientId: attributes.patientId ?? '',
    patientName: attributes.patientName ?? '',
    studyDate: attributes.studyDate ?? '',
    accessionNumber: attributes.accessionNumber ?? '',
    modality: attributes.modality || 'OT',
    seriesNumber: positive(attributes.seriesNumber, 1),
    instanceNumber: positive(attributes.instanceNumber, 1),
    rows: positive(attributes.rows, 0),
    columns: positive(attributes.columns, 0),
    bitsAllocated: positive(attributes.bitsAllocated, 16),
    numberOfFrames: positive(attributes.numberOfFrames, 1),
  };
}
