/**
 * Modality Performed Procedure Step requests (PS3.4 Annex F.7): N-CREATE opens a
 * procedure step, N-SET updates it, both addressed by the SOP instance UID the
 * SCU chose (PS3.4 F.7.2.1.1: the SCU may supply the Affected SOP Instance UID).
 */
import { Dataset, constants, requests } from './dcmjs.js';

/** Modality Performed Procedure Step SOP Class (PS3.4 F.7.1; PS3.6 Annex A). */
export const MPPS_SOP_CLASS_UID: string = constants.SopClass.ModalityPerformedProcedureStep;

export type DcmjsNCreateRequest = InstanceType<typeof requests.NCreateRequest>;
export type DcmjsNSetRequest = InstanceType<typeof requests.NSetRequest>;

/**
 * An N-CREATE of an MPPS instance (PS3.7 section 10.1.5; PS3.4 F.7.2.1) carrying
 * `attributes` (naturalized: DICOM keywords as keys, sequences as arrays).
 */
export function createMppsCreateRequest(sopInstanceUid: string, attributes: Record<string, unknown>): DcmjsNCreateRequest {
  const request = new requests.NCreateRequest(MPPS_SOP_CLASS_UID, sopInstanceUid);
  request.setDataset(new Dataset(attributes));
  return request;
}

/** An N-SET of an MPPS instance (PS3.7 section 10.1.3; PS3.4 F.7.2.2) with the attribute modifications `attributes`. */
export function createMppsSetRequest(sopInstanceUid: string, attributes: Record<string, unknown>): DcmjsNSetRequest {
  const request = new requests.NSetRequest(MPPS_SOP_CLASS_UID, sopInstanceUid);
  request.setDataset(new Dataset(attributes));
  return request;
}
