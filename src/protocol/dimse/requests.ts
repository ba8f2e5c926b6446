/**
 * DIMSE requests the operations send, built on dcmjs-dimse's request classes.
 */
import { Dataset, constants, requests } from './dcmjs.js';
import type { DcmjsCEchoRequest, DcmjsCFindRequest } from './dcmjs.js';

/** A C-ECHO request (PS3.7 section 9.1.5; Verification SOP class, PS3.4 Annex A). */
export function createEchoRequest(): DcmjsCEchoRequest {
  return new requests.CEchoRequest();
}

/**
 * A Modality Worklist C-FIND request (PS3.4 K.6.1) carrying exactly `identifier`
 * (naturalized: DICOM keywords as keys, sequences as arrays of items).
 *
 * dcmjs-dimse's `createWorklistFindRequest` is not used: it adds dozens of
 * return keys, including PregnancyStatus, which it encodes as 0, a value that
 * Orthanc then matches on and finds nothing (docs/architecture.md section 10, defect 5). MWL has
 * no Query/Retrieve Level either (PS3.4 K.6.1.2), which that helper also adds.
 */
export function createWorklistFindRequest(identifier: Record<string, unknown>): DcmjsCFindRequest {
  const request = new requests.CFindRequest(constants.Priority.Medium);
  request.setAffectedSopClassUid(constants.SopClass.ModalityWorklistInformationModelFind);
  request.setDataset(new Dataset(identifier));
  return request;
}
