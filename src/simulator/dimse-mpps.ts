/**
 * The simulator's Modality Performed Procedure Step SCP (PS3.4 Annex F.7): a
 * state machine per SOP instance. N-CREATE opens a step IN PROGRESS; N-SET
 * updates it and may move it to COMPLETED or DISCONTINUED, after which it can no
 * longer be changed (PS3.4 F.7.2.2.2; PS3.3 C.4.14, Performed Procedure Step Status).
 *
 * Refusals use the standard statuses (PS3.7 C.4.2 / C.4.3 and PS3.4 F.7.2.1.2, F.7.2.2.2):
 * - N-CREATE of an instance that exists: 0111 duplicate SOP instance;
 * - N-CREATE whose status is not IN PROGRESS: 0106 invalid attribute value;
 * - N-SET of an unknown instance: 0112 no such SOP instance;
 * - N-SET of a COMPLETED or DISCONTINUED step: 0110 processing failure;
 * - N-SET to a status other than IN PROGRESS, COMPLETED, DISCONTINUED: 0106.
 * The fault injector's error rate answers 0110 (processing failure) to either.
 */
import { responses } from '../protocol/dimse/dcmjs.js';
import type { DcmjsNCreateRequest, DcmjsNSetRequest } from '../protocol/dimse/mpps-requests.js';
import { MPPS_SOP_CLASS_UID } from '../protocol/dimse/mpps-requests.js';
import { STATUS_SUCCESS } from '../protocol/dimse/status.js';
import { ERROR_RATE_COMMENT, type AnswerFaults } from './faults.js';

export type DcmjsNCreateResponse = InstanceType<typeof responses.NCreateResponse>;
export type DcmjsNSetResponse = InstanceType<typeof responses.NSetResponse>;

export type PerformedStepStatus = 'IN PROGRESS' | 'COMPLETED' | 'DISCONTINUED';

export const STATUS_PROCESSING_FAILURE = 0x0110;
export const STATUS_DUPLICATE_SOP_INSTANCE = 0x0111;
export const STATUS_NO_SUCH_SOP_INSTANCE = 0x0112;
export const STATUS_INVALID_ATTRIBUTE_VALUE = 0x0106;
export const STATUS_NO_SUCH_SOP_CLASS = 0x0118;

/** Steps kept at most; the oldest are forgotten first, so a long run's memory stays bounded. */
const DEFAULT_MAX_STEPS = 200_000;

export interface MppsStats {
  creates: number;
  sets: number;
  inProgress: number;
  completed: number;
  discontinued: number;
  refused: number;
}

/** The procedure steps the simulator knows, by SOP instance UID. */
export class MppsStore {
  readonly #steps = new Map<string, PerformedStepStatus>();
  readonly #maxSteps: number;
  readonly #counters = { creates: 0, sets: 0, refused: 0 };

  constructor(maxSteps: number = DEFAULT_MAX_STEPS) {
    this.#maxSteps = maxSteps;
  }

  /** Applies an N-CREATE (PS3.4 F.7.2.1); returns the DIMSE status of its response. */
  create(sopInstanceUid: string, status: unknown): number {
    this.#counters.creates++;
    if (this.#steps.has(sopInstanceUid)) return this.#refuse(STATUS_DUPLICATE_SOP_INSTANCE);
    // PS3.4 F.7.2.1.2: the SCU shall create the step IN PROGRESS.
    if (status !== 'IN PROGRESS') return this.#refuse(STATUS_INVALID_ATTRIBUTE_VALUE);
    if (this.#steps.size >= this.#maxSteps) {
      const oldest = this.#steps.keys().next().value;
      if (oldest !== undefined) this.#steps.delete(oldest);
    }
    this.#steps.set(sopInstanceUid, 'IN PROGRESS');
    return STATUS_SUCCESS;
  }

  /** Applies an N-SET (PS3.4 F.7.2.2); `status` is undefined when the N-SET does not change it. */
  set(sopInstanceUid: string, status: unknown): number {
    this.#counters.sets++;
    const current = this.#steps.get(sopInstanceUid);
    if (current === undefined) return this.#refuse(STATUS_NO_SUCH_SOP_INSTANCE);
    // PS3.4 F.7.2.2.2: once COMPLETED or DISCONTINUED, the step may no longer be updated.
    if (current !== 'IN PROGRESS') return this.#refuse(STATUS_PROCESSING_FAILURE);
    if (status === undefined || status === '') return STATUS_SUCCESS;
    if (status !== 'IN PROGRESS' && status !== 'COMPLETED' && status !== 'DISCONTINUED') {
      return this.#refuse(STATUS_INVALID_ATTRIBUTE_VALUE);
    }
    this.#steps.set(sopInstanceUid, status);
    return STATUS_SUCCESS;
  }

  statusOf(sopInstanceUid: string): PerformedStepStatus | undefined {
    return this.#steps.get(sopInstanceUid);
  }

  stats(): MppsStats {
    const byStatus = { inProgress: 0, completed: 0, discontinued: 0 };
    for (const status of this.#steps.values()) {
      if (status === 'IN PROGRESS') byStatus.inProgress++;
      else if (status === 'COMPLETED') byStatus.completed++;
      else byStatus.discontinued++;
    }
    return { ...this.#counters, ...byStatus };
  }

  #refuse(status: number): number {
    this.#counters.refused++;
    return status;
  }
}

/** The N-CREATE response (PS3.7 10.1.5.1): the step is stored unless a fault or a rule refuses it. */
export async function answerMppsCreate(
  request: DcmjsNCreateRequest,
  store: MppsStore,
  faults: AnswerFaults,
): Promise<DcmjsNCreateResponse> {
  await faults.delayAnswer();
  const response = responses.NCreateResponse.fromRequest(request);
  const uid = request.getAffectedSopInstanceUid();
  if (request.getAffectedSopClassUid() !== MPPS_SOP_CLASS_UID) {
    response.setStatus(STATUS_NO_SUCH_SOP_CLASS);
  } else if (faults.shouldFail()) {
    response.setStatus(STATUS_PROCESSING_FAILURE);
    response.setErrorComment(ERROR_RATE_COMMENT);
  } else if (uid === undefined || uid === '') {
    // PS3.4 F.7.2.1.1 lets the SCP choose the UID; the simulator wants the SCU's, to keep the step addressable.
    response.setStatus(STATUS_INVALID_ATTRIBUTE_VALUE);
  } else {
    const attributes = request.getDataset()?.getElements() ?? {};
    response.setStatus(store.create(uid, attributes.PerformedProcedureStepStatus));
  }
  return response;
}

/** The N-SET response (PS3.7 10.1.3.1). */
export async function answerMppsSet(
  request: DcmjsNSetRequest,
  store: MppsStore,
  faults: AnswerFaults,
): Promise<DcmjsNSetResponse> {
  await faults.delayAnswer();
  const response = responses.NSetResponse.fromRequest(request);
  if (request.getRequestedSopClassUid() !== MPPS_SOP_CLASS_UID) {
    response.setStatus(STATUS_NO_SUCH_SOP_CLASS);
  } else if (faults.shouldFail()) {
    response.setStatus(STATUS_PROCESSING_FAILURE);
    response.setErrorComment(ERROR_RATE_COMMENT);
  } else {
    const attributes = request.getDataset()?.getElements() ?? {};
    response.setStatus(store.set(request.getRequestedSopInstanceUid() ?? '', attributes.PerformedProcedureStepStatus));
  }
  return response;
}
