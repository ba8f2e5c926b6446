/**
 * `chain`: one arrival runs several DIMSE operations in order, the way a
 * modality works through a worklist item (issue 3): `mwl.find` finds the
 * item, `mpps.inProgress` opens a procedure step for it (N-CREATE, PS3.4
 * F.7.2.1), `dimse.store` sends a study that carries the item's patient,
 * accession number and Study Instance UID, and `mpps.completed` completes the
 * same MPPS instance (N-SET, PS3.4 F.7.2.2) referencing the series and images
 * really sent. Each step is a new association, as modalities do.
 *
 * Like a modality, a chain keeps the worklist item's Study Instance UID (it is
 * the order's; PS3.17 "Modality Worklist" use) and makes new series and
 * instance UIDs every time it performs it, from the scenario's identity
 * allocator (src/synth/identity.ts) at the chain's iteration: meeting the same
 * item twice adds images to one study, never re-sends the same images.
 *
 * Every step is reported through `onStep` as it completes, and the run loop
 * records it as a series of its own (so each step's percentiles stay
 * meaningful); the chain's own result is the whole chain. A step that did not
 * succeed (anything but ok or a DIMSE warning) ends the chain: the later steps
 * are not run and not recorded, and the chain's outcome is that step's.
 * A worklist item without the synthetic marking (src/synth/marking.ts) is
 * refused unless `allowUnmarkedData`: its `mwl.find` step is `check-failed`,
 * so nothing built from a real patient's item is sent.
 * Bytes are counted on the steps only, so summing series never counts them twice.
 */
import type { Outcome } from '../metrics/names.js';
import { DEFAULT_CHAIN_STEPS } from '../profile/chain-steps.js';
import type { ChainStepName } from '../profile/types.js';
import { runAssociation } from '../protocol/dimse/association.js';
import { createMppsSetRequest } from '../protocol/dimse/mpps-requests.js';
import { createEchoRequest } from '../protocol/dimse/requests.js';
import { storeStudyIdentity, type StudyIdentity } from '../synth/store-study.js';
import type { IdentityAllocator } from '../synth/identity.js';
import { isValidUid } from '../profile/uid-root.js';
import type { StudyTemplate } from '../synth/study-template.js';
import type { WorklistItem } from '../synth/worklist.js';
import { ALLOW_UNMARKED_DATA_FLAG, missingSyntheticMarks } from '../synth/marking.js';
import { worklistItemFromIdentifier } from './chain-worklist-item.js';
import { buildStoreTemplate, sendStudy } from './dimse-store.js';
import { identitiesOf } from './identities.js';
import { requireDimseTarget, toOperationResult, type DimseConnection } from './dimse-target.js';
import { startProcedureStep } from './mpps-in-progress.js';
import { createMppsPlan, dicomNow, mppsCompletedAttributes, type MppsPlan, type OpenStep, type PerformedSeries } from './mpps-steps.js';
import { checkItemCount, queryWorklist, stationFor } from './mwl-find.js';
import type { AcknowledgedInstance, Operation, OperationFactory, OperationResult, OperationSetup } from './types.js';

/** What one arrival's steps hand on to the next ones. */
interface ChainState {
  iteration: number;
  signal: AbortSignal;
  /** The worklist item `mwl.find` picked. */
  item?: WorklistItem;
  /** The MPPS instance `mpps.inProgress` created. */
  procedureStep?: OpenStep;
  /** The series `dimse.store` sent (acknowledged images only). */
  performed?: PerformedSeries[];
}

type StepRunner = (state: ChainState) => Promise<OperationResult>;

/**
 * Builds the chain of `setup.params.steps` (default: mwl.find, mpps.inProgress,
 * dimse.store, mpps.completed). Throws PacsLoadError at setup (no DIMSE target,
 * a modality without a synthetic study), never during `run()`.
 */
export const createChain: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'chain');
  const steps = setup.params.steps ?? DEFAULT_CHAIN_STEPS;
  const plan = createMppsPlan(setup, setup.params.stations, setup.params.modality, 'chain.mpps');
  const identities = identitiesOf(setup);
  const runners = steps.map((step) => ({ step, run: stepRunner(step, setup, target, plan, identities) }));
  const operation: Operation = {
    name: 'chain',
    async run({ iteration, signal, onStep }) {
      const state: ChainState = { iteration, signal };
      let outcome: Outcome = { kind: 'ok' };
      for (const { step, run } of runners) {
        const result = await run(state);
        onStep?.({ operation: step, result });
        if (result.outcome.kind !== 'ok' && result.outcome.kind !== 'dimse-warning') return { outcome: result.outcome, bytesSent: 0, bytesReceived: 0 };
        if (outcome.kind === 'ok') outcome = result.outcome;
      }
      return { outcome, bytesSent: 0, bytesReceived: 0 };
    },
    close: () => Promise.resolve(),
  };
  return operation;
};

function stepRunner(step: ChainStepName, setup: OperationSetup, target: DimseConnection, plan: MppsPlan, identities: IdentityAllocator): StepRunner {
  const { stations, modality, expectItems } = setup.params;
  switch (step) {
    case 'dimse.echo':
      return async ({ signal }) => toOperationResult(await runAssociation({ ...target, requests: [createEchoRequest()], signal }));

    case 'mwl.find':
      return async (state) => {
        const answer = await queryWorklist(target, stationFor(state.iteration, stations), modality, state.signal);
        let outcome = checkItemCount(answer.association.outcome, answer.items.length, expectItems, answer.station);
        if (outcome.kind === 'ok' || outcome.kind === 'dimse-warning') {
          // The station's items in turn, as the synthetic plan does (mpps-steps.ts `itemFor`).
          const picked = answer.items[Math.floor(state.iteration / Math.max(1, stations)) % Math.max(1, answer.items.length)];
          if (picked === undefined) {
            outcome = { kind: 'check-failed', reason: `no worklist item for ${answer.station}: the chain has nothing to perform` };
          } else {
            const item = worklistItemFromIdentifier(picked.getElements() as Record<string, unknown>, answer.station, modality);
            const missing = setup.allowUnmarkedData === true ? [] : missingSyntheticMarks(item);
            if (missing.length > 0) {
              // Issue 10, item 5: never send what we did not make. The later steps copy this
              // item's patient into MPPS and C-STORE, so the chain ends here, having sent nothing.
              outcome = { kind: 'refused-unmarked', reason: unmarkedItemReason(answer.station, missing) };
            } else {
              state.item = item;
              // An item without a (usable) Study Instance UID: the modality makes one (PS3.4 K.6.1.2.2 lists it as a return key, but not every RIS fills it).
              if (!isValidUid(state.item.StudyInstanceUID)) state.item.StudyInstanceUID = identities.send('chain.study', state.iteration).studyInstanceUid;
            }
          }
        }
        return toOperationResult(answer.association, outcome);
      };

    case 'mpps.inProgress':
      return async (state) => {
        const start = dicomNow();
        const procedureStep: OpenStep = {
          sopInstanceUid: plan.procedureStepUid(state.iteration),
          // Without mwl.find, the synthetic item of the iteration; its study is new, as a modality without a worklist makes one.
          item: state.item ?? { ...plan.itemFor(state.iteration), StudyInstanceUID: identities.send('chain.study', state.iteration).studyInstanceUid },
          startDate: start.date,
          startTime: start.time,
        };
        const association = await startProcedureStep(target, procedureStep, state.signal);
        if (association.outcome.kind === 'ok' || association.outcome.kind === 'dimse-warning') state.procedureStep = procedureStep;
        return toOperationResult(association);
      };

    case 'dimse.store': {
      // Encoded once per worker, like dimse.store's own.
      const template = buildStoreTemplate(setup, modality);
      return async (state) => {
        const study = chainStudy(identities, state);
        const sent = await sendStudy({ target, template, study, imagesPerAssociation: setup.params.imagesPerAssociation, signal: state.signal });
        state.performed = performedSeries(sent.acknowledged, template);
        const result: OperationResult = { outcome: sent.outcome, bytesSent: sent.bytesSent, bytesReceived: sent.bytesReceived };
        if (sent.acknowledged.length > 0) result.acknowledged = sent.acknowledged;
        if (sent.setupUs !== undefined) result.setupUs = sent.setupUs;
        return result;
      };
    }

    case 'mpps.completed':
      return async (state) => {
        const procedureStep = state.procedureStep;
        // The schema puts mpps.inProgress before mpps.completed, and a failed step ends the chain.
        if (procedureStep === undefined) throw new Error('internal: mpps.completed ran without a procedure step in the chain');
        // The series really sent (PS3.4 F.7.2.2.2); a chain without a store step references synthetic ones.
        const performed = state.performed ?? plan.syntheticPerformedSeries(state.iteration, procedureStep.item.ScheduledProcedureStepSequence[0].Modality);
        const attributes = mppsCompletedAttributes(procedureStep, performed);
        const association = await runAssociation({ ...target, requests: [createMppsSetRequest(procedureStep.sopInstanceUid, attributes)], signal: state.signal });
        return toOperationResult(association);
      };
  }
}

/** Why an unmarked item was refused; names what is missing, never the item's (possibly real) values. */
export function unmarkedItemReason(station: string, missing: readonly string[]): string {
  return `worklist item for ${station} lacks the synthetic marking (${missing.join('; ')}): refused, nothing sent; pass ${ALLOW_UNMARKED_DATA_FLAG} to send such items`;
}

/**
 * The study a chain sends: new identities for this run of the chain (its
 * series, instances, frame of reference), with the patient, accession number
 * and Study Instance UID of the worklist item being performed (PS3.17
 * "Modality Worklist" use: the images carry the order's keys). Exported for tests.
 */
export function chainStudy(identities: IdentityAllocator, state: Pick<ChainState, 'iteration' | 'item' | 'procedureStep'>): StudyIdentity {
  const study = storeStudyIdentity(identities.send('chain.store', state.iteration), new Date());
  const item = state.item ?? state.procedureStep?.item;
  if (item === undefined) return study;
  return {
    ...study,
    studyInstanceUid: isValidUid(item.StudyInstanceUID) ? item.StudyInstanceUID : study.studyInstanceUid,
    patientName: item.PatientName,
    patientId: item.PatientID,
    accessionNumber: item.AccessionNumber,
  };
}

/** The acknowledged images by series, in order, for the MPPS Performed Series Sequence. */
function performedSeries(acknowledged: readonly AcknowledgedInstance[], template: StudyTemplate): PerformedSeries[] {
  const bySeries = new Map<string, string[]>();
  for (const instance of acknowledged) {
    const seriesUid = instance.seriesUid ?? '';
    let uids = bySeries.get(seriesUid);
    if (uids === undefined) {
      uids = [];
      bySeries.set(seriesUid, uids);
    }
    uids.push(instance.sopInstanceUid);
  }
  return [...bySeries].map(([seriesInstanceUid, sopInstanceUids]) => ({ seriesInstanceUid, sopClassUid: template.shape.sopClassUid, sopInstanceUids }));
}
