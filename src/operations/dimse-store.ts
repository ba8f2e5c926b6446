/**
 * `dimse.store`: a modality sending a whole synthetic study (docs/architecture.md sections 4
 * and 6) with C-STORE (Storage Service Class, PS3.4 Annex B; PS3.7 section
 * 9.1.1), all images on one association unless `imagesPerAssociation` splits
 * them, as modalities and routers are often configured to.
 *
 * The template of the scenario's modality (or of each modality of its `mix`)
 * is encoded once, when the operation is built (once per worker); each
 * instance re-encodes only its small header
 * (src/synth/study-template.ts) and is written with back-pressure
 * (src/protocol/dimse/store-pdus.ts).
 *
 * Outcome of a study, first match wins:
 * - the target stopped answering after the study had begun (an association
 *   was accepted): `aborted`, whatever the socket said, since part of the study
 *   may be stored and part not;
 * - a transport outcome before anything began (refused, rejected, timeout);
 * - a failure status on any image (PS3.4 B.2.3: A7xx, A9xx, Cxxx);
 * - a warning on any image: B000 coercion, B006 elements discarded, B007 data
 *   set does not match SOP class; the image is stored (PS3.4 B.2.3), so the
 *   study counts as a success (`dimse-warning`);
 * - else ok.
 */
import { PacsLoadError } from '../errors.js';
import { outcomeReason, type Outcome } from '../metrics/names.js';
import { runAssociation } from '../protocol/dimse/association.js';
import { classifyDimseStatus } from '../protocol/dimse/status.js';
import { createStoreRequest } from '../protocol/dimse/store-request.js';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../synth/dicom-elements.js';
import { deriveSeed } from '../synth/random.js';
import { instanceValues, pickStudyModality, storeStudyIdentity, type StudyIdentity } from '../synth/store-study.js';
import { identitiesOf, sendIteration } from './identities.js';
import { STORE_MODALITIES, buildStudyTemplate, isStoreModality, type StoreModality, type StudyTemplate } from '../synth/study-template.js';
import { requireDimseTarget, type DimseConnection } from './dimse-target.js';
import type { AcknowledgedInstance, Operation, OperationFactory, OperationResult, OperationSetup } from './types.js';

/** Profile values of `transferSyntax` and the UIDs they stand for (PS3.5 A.1, A.2). */
export const STORE_TRANSFER_SYNTAXES = {
  'explicit-little-endian': EXPLICIT_VR_LITTLE_ENDIAN,
  'implicit-little-endian': IMPLICIT_VR_LITTLE_ENDIAN,
} as const;
export type StoreTransferSyntax = keyof typeof STORE_TRANSFER_SYNTAXES;
export const DEFAULT_STORE_TRANSFER_SYNTAX: StoreTransferSyntax = 'explicit-little-endian';

export interface StudySendOptions {
  target: DimseConnection;
  template: StudyTemplate;
  study: StudyIdentity;
  /** Images per association; the whole study on one when undefined. */
  imagesPerAssociation?: number | undefined;
  signal?: AbortSignal;
}

export interface StudySendResult extends OperationResult {
  /** Images the target answered with success or a warning status (stored, PS3.4 B.2.3). */
  instancesStored: number;
  /** Images that got a C-STORE-RSP at all. */
  instancesAnswered: number;
  /** SOP Instance UIDs of the stored images, in order, for a later check that they are really there. */
  storedInstanceUids: string[];
  /** The stored images with their study and series, for `--verify`. */
  acknowledged: AcknowledgedInstance[];
}

/** `aborted`, saying how far the study got and what the transport said. */
function midStudyLoss(outcome: Outcome, answered: number): Outcome {
  const why = outcomeReason(outcome);
  return { kind: 'aborted', reason: `study cut short after ${answered} answered images${why === undefined ? '' : `: ${why}`}` };
}

/** Transport outcomes that, once a study has begun, mean the target went away mid-study. */
const MID_STUDY_LOSS: ReadonlySet<Outcome['kind']> = new Set(['aborted', 'connection-reset', 'connection-refused', 'network-error']);

/**
 * Sends one study on as many associations as `imagesPerAssociation` makes, one
 * after the other; stops at the first association that did not end in a
 * DIMSE status (refused, aborted, timeout, ...). Never rejects for a target failure.
 */
export async function sendStudy(options: StudySendOptions): Promise<StudySendResult> {
  const { target, template, study } = options;
  const { images, series } = template.shape;
  const perAssociation = Math.max(1, options.imagesPerAssociation ?? images);
  const result: StudySendResult = {
    outcome: { kind: 'ok' },
    bytesSent: 0,
    bytesReceived: 0,
    instancesStored: 0,
    instancesAnswered: 0,
    storedInstanceUids: [],
    acknowledged: [],
  };
  let begun = false;
  let statusOutcome: Outcome = { kind: 'ok' };
  for (let first = 0; first < images; first += perAssociation) {
    const indexes = range(first, Math.min(images, first + perAssociation));
    const values = indexes.map((index) => instanceValues(study, index, images, series));
    const requests = values.map((instance) =>
      createStoreRequest({
        sopClassUid: template.shape.sopClassUid,
        sopInstanceUid: instance.sopInstanceUid,
        transferSyntaxUid: template.transferSyntaxUid,
        produceChunks: () => template.instanceChunks(instance),
      }),
    );
    const association = await runAssociation({
      ...target,
      requests,
      transferSyntaxUids: [template.transferSyntaxUid],
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    result.bytesSent += association.bytesSent;
    result.bytesReceived += association.bytesReceived;
    if (association.setupUs !== undefined) {
      result.setupUs ??= association.setupUs;
      begun = true;
    }
    for (const response of association.responses) {
      if (!response.final) continue;
      result.instancesAnswered++;
      const statusClass = classifyDimseStatus(response.status);
      if (statusClass === 'success' || statusClass === 'warning') {
        result.instancesStored++;
        const instance = values[response.requestIndex];
        if (instance !== undefined) {
          result.storedInstanceUids.push(instance.sopInstanceUid);
          result.acknowledged.push({ studyUid: instance.studyInstanceUid, seriesUid: instance.seriesInstanceUid, sopInstanceUid: instance.sopInstanceUid });
        }
      }
    }
    const outcome = association.outcome;
    if (outcome.kind === 'dimse-failure' || outcome.kind === 'dimse-warning') {
      statusOutcome = worse(statusOutcome, outcome);
      continue;
    }
    if (outcome.kind === 'ok') continue;
    result.outcome = begun && MID_STUDY_LOSS.has(outcome.kind) ? midStudyLoss(outcome, result.instancesAnswered) : outcome;
    return result;
  }
  result.outcome = statusOutcome;
  return result;
}

/** A failure outranks a warning, which outranks ok; the first of a rank is kept. */
function worse(current: Outcome, next: Outcome): Outcome {
  const rank = (outcome: Outcome): number => (outcome.kind === 'dimse-failure' ? 2 : outcome.kind === 'dimse-warning' ? 1 : 0);
  return rank(next) > rank(current) ? next : current;
}

/** The modality, if it has a synthetic study; else the profile is invalid (the schema checks this too). */
function checkedModality(modality: string): StoreModality {
  if (isStoreModality(modality)) return modality;
  throw new PacsLoadError('ERR_PROFILE_INVALID', `dimse.store has no synthetic study for modality ${modality}.`, {
    hint: `Use the modalities ${STORE_MODALITIES.join(', ')}.`,
    problems: [{ path: 'modality', message: `no synthetic study for ${modality}`, fix: `use one of ${STORE_MODALITIES.join(', ')}` }],
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, offset) => from + offset);
}

/**
 * The study template of `modality` with the scenario's images, image size and
 * transfer syntax, encoded once (per worker). Throws PacsLoadError for a
 * modality without a synthetic study.
 */
export function buildStoreTemplate(setup: OperationSetup, modality: string): StudyTemplate {
  const { params } = setup;
  return buildStudyTemplate({
    modality: checkedModality(modality),
    transferSyntaxUid: STORE_TRANSFER_SYNTAXES[params.transferSyntax ?? DEFAULT_STORE_TRANSFER_SYNTAX],
    images: params.images,
    imageSizeBytes: params.imageSizeBytes,
    // Pixel patterns differ per worker; identities come from src/synth/identity.ts.
    seed: deriveSeed(setup.seed, setup.workerIndex),
  });
}

/**
 * Builds the operation: checks the target and modalities and encodes one
 * template per modality (a CT template is 0.5 MiB, an MG one 16 MiB). Throws
 * PacsLoadError at setup, never during `run()`.
 */
export const createDimseStore: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'dimse.store');
  const { params } = setup;
  const mix = params.modalityMix;
  const modalities = mix === undefined ? [params.modality] : Object.keys(mix).filter((modality) => (mix[modality] ?? 0) > 0);
  const templates = new Map<string, StudyTemplate>();
  for (const modality of modalities) templates.set(modality, buildStoreTemplate(setup, modality));
  const templateFor = (iteration: number): StudyTemplate => {
    const modality = mix === undefined ? params.modality : pickStudyModality(mix, setup.seed, iteration);
    const template = templates.get(modality);
    if (template === undefined) throw new Error(`internal: no template for ${modality}`);
    return template;
  };
  const identities = identitiesOf(setup);
  const operation: Operation = {
    name: 'dimse.store',
    async run({ iteration, signal }) {
      // A deliberate re-send (`duplicateSends`) sends the earlier study again: its modality and identities.
      const studyIteration = sendIteration(setup, identities, iteration);
      const template = templateFor(studyIteration);
      const study = storeStudyIdentity(identities.send('dimse.store', studyIteration), new Date());
      const sent = await sendStudy({ target, template, study, imagesPerAssociation: params.imagesPerAssociation, signal });
      // One C-STORE request per image answered (a study cut off mid-send made fewer).
      const result: OperationResult = { outcome: sent.outcome, bytesSent: sent.bytesSent, bytesReceived: sent.bytesReceived, requests: Math.max(1, sent.instancesAnswered) };
      // Whatever was acknowledged counts, even in a study that was then cut off (aborted).
      if (sent.acknowledged.length > 0) result.acknowledged = sent.acknowledged;
      if (sent.setupUs !== undefined) result.setupUs = sent.setupUs;
      return result;
    },
    close: () => Promise.resolve(),
  };
  return operation;
};
