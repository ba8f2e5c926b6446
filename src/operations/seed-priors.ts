/**
 * The prior seeding step (issue 14, item 6): before time zero, store
 * `studiesPerPatient` prior studies for each synthetic patient 1 to `patients`
 * (src/synth/prior-studies.ts), by C-STORE (Storage Service Class, PS3.4
 * Annex B) or STOW-RS (PS3.18 section 10.5), so the prior look-ups find real
 * studies on a PACS that held none. Nothing here is measured: like the
 * preflight and the catalog look-ups, it happens before the run's clock starts.
 *
 * Bounded: at most the studies the block asks for, `SEED_CONCURRENCY` at a
 * time; when none of the first `EARLY_STOP_STUDIES` studies was stored, the
 * target will not take the rest either, and seeding stops. The caller fails
 * the run when nothing at all was stored (`ERR_SEED_FAILED`).
 *
 * The studies are the synthetic study `dimse.store` sends (src/synth/study-template.ts),
 * with the synthetic marking (src/synth/marking.ts) checked before anything is sent.
 */
import { PacsLoadError } from '../errors.js';
import type { SeedPriorsSummary } from '../metrics/types.js';
import { outcomeKey, type Outcome } from '../metrics/names.js';
import { createDicomwebClient, type DicomwebClient } from '../protocol/dicomweb/client.js';
import { resolveHttpAuth } from '../protocol/dicomweb/auth.js';
import { encodeMultipartRelated } from '../protocol/dicomweb/multipart-encoder.js';
import type { ResolvedTarget, SeedPriorsSettings } from '../profile/types.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../synth/dicom-elements.js';
import { missingSyntheticMarks } from '../synth/marking.js';
import { planPriorStudies, type PriorStudyPlan } from '../synth/prior-studies.js';
import { deriveSeed } from '../synth/random.js';
import { instanceValues, type StudyIdentity } from '../synth/store-study.js';
import { SYNTHETIC_INSTITUTION } from '../synth/studies.js';
import { buildStudyTemplate, instanceFileChunks, isStoreModality, type StudyTemplate } from '../synth/study-template.js';
import { dicomwebTlsOptions } from './dicomweb-tls.js';
import { sendStudy } from './dimse-store.js';
import { resolveDimseSecurity } from './dimse-security.js';
import type { DimseConnection } from './dimse-target.js';
import { checkStowAnswer, stowAnswerCounts } from './stow-study.js';

/** Studies in flight at once: enough to hide a round trip, few enough not to load the target before the run. */
export const SEED_CONCURRENCY = 4;
/** Seeding stops when none of this many first studies was stored. */
export const EARLY_STOP_STUDIES = 2 * SEED_CONCURRENCY;
/** STOW-RS: instances per request, so a large study is not one request of hundreds of megabytes. */
export const SEED_STOW_INSTANCES_PER_REQUEST = 50;
/** Distinct failure reasons kept. */
const MAX_FAILURE_REASONS = 10;

export interface SeedPriorsOptions {
  settings: SeedPriorsSettings;
  target: ResolvedTarget;
  /** Environment for the credentials the target names. */
  env: Readonly<Record<string, string | undefined>>;
  seed: number;
  /** The organisation's UID root (the profile's `uidRoot`); absent: 2.25 UUID-derived UIDs (src/synth/identity.ts). */
  uidRoot?: string | undefined;
  /** Priors are dated back from this day (local date); default: now. */
  today?: Date;
  /** Aborting it stops seeding after the studies in flight (an interrupt before time zero). */
  signal?: AbortSignal;
}

/** One study's send, whatever the way. */
interface StudyOutcome {
  instancesStored: number;
  bytesSent: number;
  /** Undefined when every instance was stored. */
  failure?: string;
}

type StudySender = (identity: StudyIdentity, signal: AbortSignal) => Promise<StudyOutcome>;

/**
 * Seeds the priors. Resolves with what was stored, also when studies failed;
 * rejects with PacsLoadError only for a profile the target cannot take (no
 * service for `via`, credentials missing from the environment).
 */
export async function seedPriors(options: SeedPriorsOptions): Promise<SeedPriorsSummary> {
  const { settings } = options;
  const startedMs = performance.now();
  const plans = planPriorStudies(options.seed, settings.patients, settings.studiesPerPatient, options.today ?? new Date(), options.uidRoot);
  for (const plan of plans) checkMarking(plan.identity);
  const template = buildSeedTemplate(settings, options.seed);
  const signal = options.signal ?? new AbortController().signal;

  const { send, close } = openSender(options, template);
  const summary: SeedPriorsSummary = {
    via: settings.via,
    modality: settings.modality,
    patients: settings.patients,
    studiesPerPatient: settings.studiesPerPatient,
    studiesPlanned: plans.length,
    studiesStored: 0,
    studiesFailed: 0,
    studiesNotSent: 0,
    instancesPlanned: plans.length * template.shape.images,
    instancesStored: 0,
    bytesSent: 0,
    durationSeconds: 0,
    failures: [],
  };
  const reasons = new Map<string, number>();
  let next = 0;
  const stopped = (): boolean =>
    signal.aborted || (summary.studiesStored === 0 && summary.studiesFailed >= EARLY_STOP_STUDIES);
  const lane = async (): Promise<void> => {
    while (!stopped()) {
      const plan: PriorStudyPlan | undefined = plans[next++];
      if (plan === undefined) return;
      const outcome = await send(plan.identity, signal);
      summary.bytesSent += outcome.bytesSent;
      summary.instancesStored += outcome.instancesStored;
      if (outcome.failure === undefined) {
        summary.studiesStored++;
      } else {
        summary.studiesFailed++;
        reasons.set(outcome.failure, (reasons.get(outcome.failure) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, plans.length) }, lane));
  } finally {
    await close();
  }
  summary.studiesNotSent = plans.length - summary.studiesStored - summary.studiesFailed;
  summary.failures = [...reasons]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_FAILURE_REASONS)
    .map(([reason, count]) => ({ reason, count }));
  summary.durationSeconds = (performance.now() - startedMs) / 1000;
  return summary;
}

/** The error a run ends with when seeding stored nothing (and was not interrupted). */
export function seedFailedError(summary: SeedPriorsSummary, where: string): PacsLoadError {
  const reasons = summary.failures.map((failure) => `${failure.reason} (${failure.count})`).join(', ');
  const notSent = summary.studiesNotSent > 0 ? `; seeding stopped, ${summary.studiesNotSent} of ${summary.studiesPlanned} not sent` : '';
  return new PacsLoadError(
    'ERR_SEED_FAILED',
    `Seeding priors stored nothing on ${where}: all ${summary.studiesFailed} studies sent failed${reasons === '' ? '' : ` (${reasons})`}${notSent}.`,
    {
      hint:
        summary.via === 'dimse'
          ? "The target must accept C-STORE from our calling AE title for the seeded modality's storage SOP class, and have room for the studies; or store by STOW-RS with `seedPriors.via: dicomweb`. Remove `seedPriors` to run without seeding."
          : 'The target must accept STOW-RS at `target.dicomweb.baseUrl` with these credentials, and have room for the studies; or store by C-STORE with `seedPriors.via: dimse`. Remove `seedPriors` to run without seeding.',
    },
  );
}

function buildSeedTemplate(settings: SeedPriorsSettings, seed: number): StudyTemplate {
  if (!isStoreModality(settings.modality)) throw new Error(`internal: the schema let through modality ${settings.modality}`);
  return buildStudyTemplate({
    modality: settings.modality,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
    images: settings.images,
    imageSizeBytes: settings.imageSizeBytes,
    // A pixel pattern of its own, not any worker's.
    seed: deriveSeed(seed, 0x5350),
  });
}

/** Never send a study without the marking: a bug here must not reach a PACS. */
function checkMarking(identity: StudyIdentity): void {
  const missing = missingSyntheticMarks({ PatientID: identity.patientId, PatientName: identity.patientName, InstitutionName: SYNTHETIC_INSTITUTION });
  if (missing.length > 0) throw new Error(`internal: a seeded prior lacks the synthetic marking: ${missing.join(', ')}`);
}

function openSender(options: SeedPriorsOptions, template: StudyTemplate): { send: StudySender; close: () => Promise<void> } {
  const { target, settings } = options;
  if (settings.via === 'dimse') {
    if (target.dimse === undefined) throw missingService('dimse');
    const connection: DimseConnection = { ...target.dimse, ...resolveDimseSecurity(target.dimse, options.env) };
    return { send: (identity, signal) => sendByCStore(connection, template, identity, signal), close: () => Promise.resolve() };
  }
  const web = target.dicomweb;
  if (web === undefined) throw missingService('dicomweb');
  const client = createDicomwebClient({
    baseUrl: web.baseUrl,
    connections: SEED_CONCURRENCY,
    timeoutUs: web.operationTimeoutUs,
    auth: resolveHttpAuth(web.auth, options.env),
    tls: dicomwebTlsOptions(web.tls),
  });
  return { send: (identity, signal) => sendByStow(client, template, identity, signal), close: () => client.close() };
}

function missingService(via: 'dimse' | 'dicomweb'): PacsLoadError {
  return new PacsLoadError('ERR_PROFILE_INVALID', `seedPriors.via is ${via}, but the target has no ${via}.`, {
    hint: `Set \`seedPriors.via\` to ${via === 'dimse' ? 'dicomweb' : 'dimse'}, or add \`target.${via}\`.`,
  });
}

async function sendByCStore(target: DimseConnection, template: StudyTemplate, identity: StudyIdentity, signal: AbortSignal): Promise<StudyOutcome> {
  const sent = await sendStudy({ target, template, study: identity, signal });
  const outcome: StudyOutcome = { instancesStored: sent.instancesStored, bytesSent: sent.bytesSent };
  if (!isStored(sent.outcome)) outcome.failure = reasonOf(sent.outcome);
  else if (sent.instancesStored < template.shape.images) outcome.failure = `${sent.instancesStored} of ${template.shape.images} instances stored`;
  return outcome;
}

/** The study as Part 10 files (PS3.10 section 7.1), `SEED_STOW_INSTANCES_PER_REQUEST` per STOW-RS request, one request after the other. */
async function sendByStow(client: DicomwebClient, template: StudyTemplate, identity: StudyIdentity, signal: AbortSignal): Promise<StudyOutcome> {
  const { images, series } = template.shape;
  const outcome: StudyOutcome = { instancesStored: 0, bytesSent: 0 };
  for (let first = 0; first < images; first += SEED_STOW_INSTANCES_PER_REQUEST) {
    const count = Math.min(SEED_STOW_INSTANCES_PER_REQUEST, images - first);
    const parts = Array.from({ length: count }, (_, offset) => ({
      contentType: 'application/dicom',
      content: instanceFileChunks(template, instanceValues(identity, first + offset, images, series)),
    }));
    // No scan for the boundary: it is 128 random bits, and the synthetic data cannot hold `--` followed by it.
    const encoded = encodeMultipartRelated(parts, 'application/dicom', undefined, false);
    const exchange = await client.post('/studies', {
      accept: 'application/dicom+json',
      contentType: encoded.contentType,
      body: encoded.chunks,
      bodyBytes: encoded.byteLength,
      signal,
    });
    outcome.bytesSent += exchange.bytesSent;
    const counts = stowAnswerCounts(exchange);
    const checked = checkStowAnswer(exchange, count, counts);
    // A 202 stored some: count what the answer references (PS3.18 10.5.3).
    outcome.instancesStored += checked.kind === 'ok' ? count : (counts?.referenced ?? 0);
    if (checked.kind !== 'ok') {
      outcome.failure = reasonOf(checked);
      return outcome;
    }
  }
  return outcome;
}

function isStored(outcome: Outcome): boolean {
  return outcome.kind === 'ok' || outcome.kind === 'dimse-warning';
}

/** A failure as a short reason, e.g. `dimse_failure_a700`, `connection_refused`, `check_failed: STOW answered HTTP 415`. */
function reasonOf(outcome: Outcome): string {
  return outcome.kind === 'check-failed' ? `${outcomeKey(outcome)}: ${outcome.reason}` : outcomeKey(outcome);
}
