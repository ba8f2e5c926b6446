/**
 * Study Root Query/Retrieve requests (PS3.4 Annex C): C-FIND, C-MOVE and C-GET
 * on the Study Root Information Model (PS3.4 C.6.2).
 */
import { Dataset, constants, requests } from './dcmjs.js';

export const STUDY_ROOT_FIND_SOP_CLASS_UID: string = constants.SopClass.StudyRootQueryRetrieveInformationModelFind;
export const STUDY_ROOT_MOVE_SOP_CLASS_UID: string = constants.SopClass.StudyRootQueryRetrieveInformationModelMove;
export const STUDY_ROOT_GET_SOP_CLASS_UID: string = constants.SopClass.StudyRootQueryRetrieveInformationModelGet;

export type DcmjsCMoveRequest = InstanceType<typeof requests.CMoveRequest>;
export type DcmjsCGetRequest = InstanceType<typeof requests.CGetRequest>;
export type DcmjsCFindRequest = InstanceType<typeof requests.CFindRequest>;

/**
 * A Study Root C-FIND (PS3.4 C.4.1) carrying exactly `identifier`, which must
 * hold QueryRetrieveLevel (PS3.4 C.4.1.1.3.1).
 */
export function createStudyRootFindRequest(identifier: Record<string, unknown>): DcmjsCFindRequest {
  const request = new requests.CFindRequest(constants.Priority.Medium);
  request.setAffectedSopClassUid(STUDY_ROOT_FIND_SOP_CLASS_UID);
  request.setDataset(new Dataset(identifier));
  return request;
}

/**
 * A study-level Study Root C-MOVE (PS3.4 C.4.2) of `studyInstanceUid` to the AE
 * title `destinationAe`, which the SCP must know (PS3.4 C.4.2.1.4.1: Move Destination).
 */
export function createStudyMoveRequest(destinationAe: string, studyInstanceUid: string): DcmjsCMoveRequest {
  return requests.CMoveRequest.createStudyMoveRequest(destinationAe, studyInstanceUid, constants.Priority.Medium);
}

/**
 * A study-level Study Root C-GET (PS3.4 C.4.3) of `studyInstanceUid`. The
 * association proposes every storage SOP class dcmjs-dimse knows, with the SCP
 * role (PS3.7 D.3.3.4, SCP/SCU Role Selection), so the instances can come back
 * as C-STORE sub-operations on the same association (PS3.4 C.4.3.3).
 */
export function createStudyGetRequest(studyInstanceUid: string): DcmjsCGetRequest {
  const request = requests.CGetRequest.createStudyGetRequest(studyInstanceUid, constants.Priority.Medium);
  request.setAddStorageSopClassesToAssociation(true);
  return request;
}

/**
 * An IMAGE-level Study Root C-FIND (PS3.4 C.6.2.1.4) of the instances of one
 * series, returning each SOP Instance UID: what `--verify` asks to check that
 * acknowledged instances are stored. The unique keys of the levels above are
 * given, as the hierarchical search requires (PS3.4 C.4.1.3.1.1); without a
 * series UID the query is relational and not every SCP answers it.
 */
export function createImageLevelFindRequest(studyInstanceUid: string, seriesInstanceUid?: string): DcmjsCFindRequest {
  const identifier: Record<string, unknown> = { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: studyInstanceUid };
  if (seriesInstanceUid !== undefined) identifier.SeriesInstanceUID = seriesInstanceUid;
  // Universal matching (PS3.4 C.2.2.2.3): every instance, with its UID returned.
  identifier.SOPInstanceUID = '';
  return createStudyRootFindRequest(identifier);
}
