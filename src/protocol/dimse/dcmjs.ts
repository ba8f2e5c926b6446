/**
 * The one place that imports dcmjs-dimse (0.3.3, patched by patches/dcmjs-dimse+0.3.3.patch;
 * see patches/README.md and DESIGN section 10).
 *
 * Its build is a UMD bundle, so Node's ESM loader sees only a default export:
 * named imports fail at run time even though the typings declare them.
 *
 * Its logger (loglevel) is switched to every level on load and would print each PDU
 * to the console; only src/cli/ may write there (DESIGN section 2), so it is silenced here.
 */
import dcmjsDimse from 'dcmjs-dimse';
import { findDatasetTruncation } from './dataset-structure.js';

dcmjsDimse.log.setLevel('silent');

/** Transfer syntaxes whose data sets dataset-structure.ts can walk (PS3.5 section 10). */
const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/**
 * Every data set and command set read from the network is checked for whole
 * elements first: dcmjs would read one cut inside an element as a shorter,
 * valid-looking one. The patched library calls this hook (patches/README.md,
 * edit 11); what it throws, dcmjs-dimse reports as a network error, which
 * association.ts classifies as a protocol error. Other transfer syntaxes are
 * passed as they are.
 */
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

export type DcmjsClient = InstanceType<typeof dcmjsDimse.Client>;
export type DcmjsDataset = InstanceType<typeof dcmjsDimse.Dataset>;
export type DcmjsRequest = InstanceType<typeof dcmjsDimse.requests.Request>;
export type DcmjsResponse = InstanceType<typeof dcmjsDimse.responses.Response>;
export type DcmjsAssociation = InstanceType<typeof dcmjsDimse.association.Association>;
export type DcmjsCEchoRequest = InstanceType<typeof dcmjsDimse.requests.CEchoRequest>;
export type DcmjsCFindRequest = InstanceType<typeof dcmjsDimse.requests.CFindRequest>;
export type DcmjsCEchoResponse = InstanceType<typeof dcmjsDimse.responses.CEchoResponse>;
export type DcmjsCFindResponse = InstanceType<typeof dcmjsDimse.responses.CFindResponse>;
export type DcmjsCStoreRequest = InstanceType<typeof dcmjsDimse.requests.CStoreRequest>;
export type DcmjsCStoreResponse = InstanceType<typeof dcmjsDimse.responses.CStoreResponse>;
