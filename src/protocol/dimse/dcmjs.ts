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

dcmjsDimse.log.setLevel('silent');

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
