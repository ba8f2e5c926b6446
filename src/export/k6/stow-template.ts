/**
 * The STOW-RS body template of an exported k6 script: one synthetic instance
 * encoded once here (src/synth), with placeholder UIDs of fixed length, and
 * where in its bytes each placeholder sits. The script copies the template
 * and writes fresh digits over the placeholders for every study and image, so
 * every instance it stores has its own UIDs without a DICOM encoder in k6.
 *
 * UIDs: study `2.25.<38 digits>` (PS3.5 B.2: a UUID-sized decimal below 2^128),
 * series `<study>.1`, instance `<series>.<6-digit image number>`; all below the
 * 64 characters of UI (PS3.5 Table 6.2-1), lengths fixed, so padding is too.
 */
import { buildStowStudy, encodePart10, matrixFor } from '../../synth/dicomweb-instances.js';
import { fixedSend } from '../../synth/identity.js';

export const STUDY_DIGITS = 38;
export const IMAGE_DIGITS = 6;
const STUDY_PLACEHOLDER = `2.25.${'9'.repeat(STUDY_DIGITS)}`;
const SERIES_PLACEHOLDER = `${STUDY_PLACEHOLDER}.1`;
const SOP_PLACEHOLDER = `${SERIES_PLACEHOLDER}.${'0'.repeat(IMAGE_DIGITS)}`;

export interface StowTemplate {
  /** Everything up to the Pixel Data value, base64. */
  headBase64: string;
  /** Offsets of the 38 study digits (in the study, series and instance UIDs). */
  studyDigitOffsets: number[];
  /** Offsets of the 6 image-number digits (in the instance UIDs). */
  imageDigitOffsets: number[];
  /** Pixel Data value length (rows x columns x 2 bytes). */
  pixelBytes: number;
  rows: number;
  columns: number;
}

/** The template for `modality` (its matrix), dated `studyDate` (DA). */
export function stowTemplate(modality: string, studyDate: string): StowTemplate {
  const [rows, columns] = matrixFor(modality);
  const [instance] = buildStowStudy({ send: fixedSend(1, 'stow.study', 0), instances: 1, modality, rows, columns, studyDate });
  if (instance === undefined) throw new Error('internal: no synthetic instance');
  const { head, pixelData } = encodePart10({
    ...instance,
    studyInstanceUid: STUDY_PLACEHOLDER,
    seriesInstanceUid: SERIES_PLACEHOLDER,
    sopInstanceUid: SOP_PLACEHOLDER,
  });
  const studyDigitOffsets = offsetsOf(head, '9'.repeat(STUDY_DIGITS)).map((offset) => offset);
  const imageDigitOffsets = offsetsOf(head, SOP_PLACEHOLDER).map((offset) => offset + SERIES_PLACEHOLDER.length + 1);
  return { headBase64: head.toString('base64'), studyDigitOffsets, imageDigitOffsets, pixelBytes: pixelData.length, rows, columns };
}

function offsetsOf(buffer: Buffer, text: string): number[] {
  const offsets: number[] = [];
  for (let at = buffer.indexOf(text, 0, 'latin1'); at !== -1; at = buffer.indexOf(text, at + text.length, 'latin1')) offsets.push(at);
  return offsets;
}
