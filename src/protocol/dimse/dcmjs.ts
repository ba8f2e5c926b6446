/**
 * The one place that imports dcmjs-dimse (0.3.3), with our fixes applied as it
 * loads (load-dcmjs-dimse.ts, dcmjs-dimse-fixes.ts; each fix is explained in
 * dcmjs-dimse-fixes.md beside them).
 *
 * Its logger (loglevel) is switched to every level on load and would print each PDU
 * to the console; only src/cli/ may write there, so it is silenced here.
 */
import { PacsLoadError } from '../../errors.js';
import { DCMJS_DIMSE_FIXES, DCMJS_DIMSE_VERSION } from './dcmjs-dimse-fixes.js';
import { findDatasetTruncation } from './dataset-structure.js';
import { installedDcmjsDimseFile, loadDcmjsDimse, type DcmjsDimse, type LoadedDcmjsDimse } from './load-dcmjs-dimse.js';

const loaded = loadDcmjsDimse(installedDcmjsDimseFile());
const dcmjsDimse = loaded.library;

dcmjsDimse.log.setLevel('silent');

/**
 * The start-up self-check: throws ERR_DIMSE_LIBRARY unless every fix is in
 * effect in the library this process loaded. Without them dcmjs-dimse fails
 * in ways that look like the target's fault (every C-STORE of a pre-encoded
 * image answered as a failure, C-FIND results cut short), so DIMSE work is
 * refused instead. It reads the marker the fixed library carries, not how the
 * fixes got there. `subject` is for tests: another copy of the library.
 */
export function assertDimseFixesInEffect(subject: LoadedDcmjsDimse = loaded): void {
  const library = subject.library as unknown as { pacsLoadFixes?: unknown; version?: unknown };
  const wanted = DCMJS_DIMSE_FIXES.map((fix) => fix.id);
  const marked = library.pacsLoadFixes;
  if (Array.isArray(marked) && wanted.every((id) => marked.includes(id))) return;
  const version = typeof library.version === 'string' ? library.version : 'unknown';
  throw new PacsLoadError(
    'ERR_DIMSE_LIBRARY',
    `DIMSE refused: pacs-load's fixes to dcmjs-dimse are not in effect (installed dcmjs-dimse ${version} at ${subject.file}${subject.problem === undefined ? '' : `: ${subject.problem}`}).`,
    {
      hint:
        `pacs-load needs dcmjs-dimse ${DCMJS_DIMSE_VERSION} exactly, as its package.json pins it. Reinstall pacs-load (npm install pacs-load, or npm ci) ` +
        'without an override or resolution of dcmjs-dimse, and without an edited copy of it; `npm ls dcmjs-dimse` shows which copy is installed. DICOMweb work is not affected.',
    },
  );
}

/**
 * Every data set and command set read from the network is checked for whole
 * elements first: dcmjs would read one cut inside an element as a shorter,
 * valid-looking one. The fixed library calls this hook (fix 11); what it
 * throws, dcmjs-dimse reports as a network error, which association.ts
 * classifies as a protocol error. Other transfer syntaxes are passed as they are.
 */
const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
(dcmjsDimse.Dataset as unknown as { verifyElementsBuffer?: (bytes: Buffer, transferSyntaxUid: string | undefined) => void }).verifyElementsBuffer = (
  bytes,
  transferSyntaxUid,
) => {
  const syntax = transferSyntaxUid ?? IMPLICIT_VR_LITTLE_ENDIAN;
  if (syntax !== IMPLICIT_VR_LITTLE_ENDIAN && syntax !== EXPLICIT_VR_LITTLE_ENDIAN) return;
  const problem = findDatasetTruncation(bytes, syntax === EXPLICIT_VR_LITTLE_ENDIAN);
  if (problem !== undefined) throw new Error(`truncated data set: ${problem}`);
};

export const { Client, Scp, Dataset, constants, requests, responses } = dcmjsDimse;

export type DcmjsClient = InstanceType<DcmjsDimse['Client']>;
export type DcmjsDataset = InstanceType<DcmjsDimse['Dataset']>;
export type DcmjsRequest = InstanceType<DcmjsDimse['requests']['Request']>;
export type DcmjsResponse = InstanceType<DcmjsDimse['responses']['Response']>;
export type DcmjsAssociation = InstanceType<DcmjsDimse['association']['Association']>;
export type DcmjsCEchoRequest = InstanceType<DcmjsDimse['requests']['CEchoRequest']>;
export type DcmjsCFindRequest = InstanceType<DcmjsDimse['requests']['CFindRequest']>;
export type DcmjsCEchoResponse = InstanceType<DcmjsDimse['responses']['CEchoResponse']>;
export type DcmjsCFindResponse = InstanceType<DcmjsDimse['responses']['CFindResponse']>;
export type DcmjsCStoreRequest = InstanceType<DcmjsDimse['requests']['CStoreRequest']>;
export type DcmjsCStoreResponse = InstanceType<DcmjsDimse['responses']['CStoreResponse']>;
