/**
 * The resolved profile: what the schema (src/profile/schema.ts) turns a YAML or
 * JSON file into after validation. Every duration is in integer microseconds and
 * every rate in operations per second, so nothing downstream parses strings.
 * The schema is the single source of truth for what a file may say; these types
 * are the contract the scheduler, the coordinator and the workers rely on.
 */
import type { OperationName } from '../metrics/names.js';

export interface ResolvedProfile {
  name: string;
  description: string | undefined;
  /** Undefined when the profile has no `target`: the run starts an embedded simulator. */
  target: ResolvedTarget | undefined;
  /** Knobs of the embedded simulator (used only when `target` is undefined). */
  simulator: SimulatorSettings;
  scenarios: ResolvedScenario[];
  thresholds: ThresholdSpec[];
  options: RunOptions;
  /** The `migration` block: the profile is a bulk move; the summary gets `migration` (src/coordinator/migration-summary.ts). */
  migration?: MigrationSettings;
  /** The `seedPriors` block: prior studies stored before time zero (src/operations/seed-priors.ts). */
  seedPriors?: SeedPriorsSettings;
}

/** `seedPriors` with its defaults applied (src/profile/seed-priors-schema.ts). */
export interface SeedPriorsSettings {
  /** Synthetic patients 1 to `patients` (PLSYN-000001 ...). */
  patients: number;
  studiesPerPatient: number;
  /** A modality with a synthetic study (src/synth/study-template.ts). */
  modality: string;
  /** Images per study; the modality's default when undefined. */
  images: number | undefined;
  /** Pixel data bytes per image; the modality's default when undefined. */
  imageSizeBytes: number | undefined;
  /** C-STORE or STOW-RS. */
  via: 'dimse' | 'dicomweb';
}

export interface MigrationSettings {
  /** The archive to move, in bytes; absent: only the sustained rate is stated. */
  archiveSizeBytes: number | undefined;
}

export interface RunOptions {
  /** Snapshot interval of the workers (default 1 s). */
  intervalUs: number;
  /** Preflight check of the target before load starts (default true). */
  preflight: boolean;
  /** The profile's `seed` for synthetic data; absent when the profile sets none (then derive one from the run id). */
  seed?: number;
  /** `identities`: `unique` (new identities every run) or `fixed` (the same for the same seed); absent: unique. */
  identities?: 'unique' | 'fixed';
  /** `uidRoot`: the organisation's UID root (checked by src/profile/uid-root.ts); absent: 2.25 UUID-derived UIDs. */
  uidRoot?: string;
}

export interface ResolvedTarget {
  dimse: DimseTarget | undefined;
  dicomweb: DicomwebTarget | undefined;
}

export interface DimseTarget {
  host: string;
  port: number;
  calledAe: string;
  callingAe: string;
  /** TCP connect plus association negotiation must finish within this. */
  connectTimeoutUs: number;
  /** A whole operation (association to release) must finish within this. */
  operationTimeoutUs: number;
  /**
   * The Maximum Length we propose (PS3.8 D.3.3.1): the largest PDU the target may
   * send us, in bytes. Absent: dcmjs-dimse's default, 262144.
   */
  maxPduLength?: number | undefined;
  /** User Identity Negotiation (PS3.7 D.3.3.7); absent: none proposed. */
  userIdentity?: DimseUserIdentity | undefined;
  /** DICOM TLS (PS3.15 Annex B); absent: plain TCP. */
  tls?: DimseTls | undefined;
}

/** `target.dimse.userIdentity`: the passcode is named by environment variable, never written in the profile. */
export interface DimseUserIdentity {
  username: string;
  /** Name of the environment variable holding the passcode; absent: username only (User-Identity-Type 1). */
  passcodeEnv: string | undefined;
  /** Ask the target to confirm the identity (PS3.7 D.3.3.7.2); default false. */
  positiveResponseRequested: boolean;
}

/** `target.dimse.tls`: files are read at operation setup (src/operations/dimse-target.ts), not by the loader. */
export interface DimseTls {
  /** PEM file of the CA certificates to trust; absent: Node's bundled CAs. */
  caFile: string | undefined;
  /** PEM files of our client certificate and its key, for targets that authenticate the client (both or neither). */
  certFile: string | undefined;
  keyFile: string | undefined;
  /** Verify the target's certificate chain and name (default true). */
  rejectUnauthorized: boolean;
  /** The name the target's certificate must carry (and the TLS SNI name); default the host. */
  servername: string | undefined;
}

export interface DicomwebTarget {
  /** Base URL of the DICOMweb service, without a trailing slash. */
  baseUrl: string;
  /** Keep-alive connections per worker. */
  connections: number;
  operationTimeoutUs: number;
  auth: DicomwebAuth | undefined;
  /** TLS settings for an https baseUrl; absent means the system CAs and verification on. */
  tls?: DicomwebTls | undefined;
}

/** How to trust an https DICOMweb target (`target.dicomweb.tls`). */
export interface DicomwebTls {
  /**
   * Path of a PEM file of extra trusted CA certificates, as written in the
   * profile (relative paths are relative to the working directory). Read at
   * operation setup (src/operations/dicomweb-tls.ts), not by the profile loader.
   */
  caFile: string | undefined;
  /** Verify the server certificate chain and host name (default true). */
  rejectUnauthorized: boolean;
}

/** Credentials are named by environment variable, never written in the profile. */
export type DicomwebAuth =
  | { kind: 'bearer'; tokenEnv: string }
  | { kind: 'basic'; username: string; passwordEnv: string };

export interface SimulatorSettings {
  /** Distinct scheduled station AE titles in the synthetic worklist (STATION001...). */
  stations: number;
  /** Scheduled procedure steps per station, all for today. */
  stepsPerStation: number;
  /** Studies answered by QIDO /studies. */
  studies: number;
  faults: SimulatorFaults;
  /**
   * Cap on what the simulator keeps of received instances (C-STORE, STOW-RS),
   * data set bytes plus index; absent = the default (512 MiB, src/simulator/instance-store.ts).
   */
  storeMaxBytes?: number;
  /** What the simulator does when a received instance does not fit: evict the least recently stored studies (default) or refuse (A700). */
  storeWhenFull?: 'evict-oldest' | 'refuse';
}

export interface SimulatorFaults {
  /** Added to every answer. */
  latencyUs: number;
  /** Uniform random extra in [0, jitterUs). */
  jitterUs: number;
  /** Share of requests answered with a failure (0..1): DIMSE status A700-class, HTTP 503. */
  errorRate: number;
  /**
   * Pause all answers for durationUs, atUs after the simulator starts; again
   * every everyUs after that when everyUs is set (a periodic stall, for soaks).
   */
  stall: { atUs: number; durationUs: number; everyUs?: number } | undefined;
  /** Associations beyond this are rejected (transient, local limit exceeded); 0 = no limit. */
  maxAssociations: number;
  /** Share of DICOMweb requests answered 429 Too Many Requests with Retry-After (0..1); absent = 0. */
  throttleRate?: number;
  /**
   * Share (0..1) of each injected protocol fault (src/simulator/faults.ts,
   * FAULT_KINDS); absent kinds are 0. The shares of one protocol add up to 1 at most.
   */
  injected?: Partial<Record<FaultKind, number>>;
  /** Bytes per second of a `slowDrip` answer; absent = 2048 (DRIP_DEFAULT_BYTES_PER_SEC). */
  dripBytesPerSec?: number;
}

/**
 * The protocol faults the simulator can inject (issue 10's fault matrix), as the
 * `simulator.faults` keys. Which protocol each applies to: FAULT_PROTOCOLS in
 * src/simulator/faults.ts.
 */
export type FaultKind =
  /** A-ASSOCIATE-RJ rejected-permanent (PS3.8 section 9.3.4), drawn per association. */
  | 'rejectPermanent'
  /** A-ASSOCIATE-RJ rejected-transient, drawn per association. */
  | 'rejectTransient'
  /** A-ABORT (PS3.8 section 9.3.8) instead of the answer to a DIMSE request (mid-study for C-STORE). */
  | 'abort'
  /** The answer's PDU is cut halfway and the socket closed (DIMSE). */
  | 'closeMidPdu'
  /** An answer PDU of an unknown type or inconsistent length (DIMSE, PS3.8 section 9.3.1). */
  | 'malformedPdu'
  /** A response data set cut short inside an element (DIMSE C-FIND identifier). */
  | 'truncatedDataset'
  /** A status defined, but not for this service (e.g. C-STORE answered FF00 pending). */
  | 'wrongStatus'
  /** A status code no table defines (PS3.7 Annex C: to be treated as a failure). */
  | 'unknownStatus'
  /** The answer sent at dripBytesPerSec (both protocols). */
  | 'slowDrip'
  /** The connection reset (TCP RST) instead of an answer (both protocols). */
  | 'reset'
  /** HTTP 500 Internal Server Error. */
  | 'http500'
  /** HTTP 503 Service Unavailable with Retry-After (RFC 9110 section 15.6.4). */
  | 'http503'
  /** HTTP 429 Too Many Requests with Retry-After (RFC 6585 section 4); same as throttleRate. */
  | 'http429'
  /** A multipart/related answer whose parts do not use the declared boundary (RFC 2046 section 5.1.1). */
  | 'brokenMultipart';

export interface ResolvedScenario {
  name: string;
  operation: OperationName;
  executor: ExecutorSpec;
  /** Offset of this scenario's start from the start of the run. */
  startAfterUs: number;
  /** How long in-flight work may finish after the scenario's end before it is cut off. */
  gracefulStopUs: number;
  params: OperationParams;
}

/** Operation-specific settings; the schema rejects keys that do not apply to the operation. */
export interface OperationParams {
  /** mwl.find: query one of this many station AE titles (STATION001..), round robin. */
  stations: number;
  /** mwl.find, qido.studies: modality to match. */
  modality: string;
  /** mwl.find: expected number of items per answer; a different count is `check_failed`. */
  expectItems: number | undefined;
  /**
   * qr.*, qido.*, wado.*, viewer.open: an answer with nothing in it is the
   * `empty` outcome (a failure); absent: the operation's default
   * (src/profile/expect-matches.ts `expectsMatches`).
   */
  expectMatches?: boolean | undefined;
  /** qido.studies: the `limit` query parameter. */
  limit: number | undefined;
  /** dimse.store: images per study (default: the modality's, src/synth/study-template.ts). */
  images?: number | undefined;
  /** dimse.store: pixel data bytes per image (default: the modality's). */
  imageSizeBytes?: number | undefined;
  /** dimse.store: images per association; the whole study on one when undefined. */
  imagesPerAssociation?: number | undefined;
  /** dimse.store: the transfer syntax proposed and sent (default explicit-little-endian). */
  transferSyntax?: 'explicit-little-endian' | 'implicit-little-endian' | undefined;
  /** dimse.store: share of each modality's studies (weights), instead of one `modality`. */
  modalityMix?: Readonly<Record<string, number>> | undefined;
  /**
   * dimse.store, stow.study: percent (0-100) of sends that re-send an earlier
   * send's identities on purpose (src/synth/identity.ts `identityIteration`); absent: 0.
   */
  duplicateSends?: number | undefined;
  /** stow.study: instances per STOW request; the whole study in one when undefined. (`images`, `imageSizeBytes` and `modality` apply to stow.study too.) */
  imagesPerRequest?: number | undefined;
  /** qr.find, qr.move, qr.get: synthetic patients (PLSYN-000001...) queried round robin; default `seedPriors.patients`, else 100. */
  patients?: number | undefined;
  /** qr.find: `study` (default), or `series` (study level, then series level for the studies found). */
  level?: 'study' | 'series' | undefined;
  /** qr.move: the Move Destination AE title the target knows for the tool's store SCP; default `PLSCP:<port>` (the simulator's convention). */
  moveDestination?: string | undefined;
  /** qr.move: port of the tool's store SCP, worker i listening on storeScpPort + i; 0 (default) picks a free port. */
  storeScpPort?: number | undefined;
  /** viewer.open: frame requests in flight at most per open (default 100, src/operations/viewer-open.ts). */
  maxFramesInFlight?: number | undefined;
  /** chain: the steps each arrival runs in order (src/operations/chain.ts); default the modality's four. */
  steps?: readonly ChainStepName[] | undefined;
}

/** The operations a `chain` scenario may run as steps: a modality's DIMSE exchanges. */
export type ChainStepName = 'dimse.echo' | 'mwl.find' | 'mpps.inProgress' | 'dimse.store' | 'mpps.completed';

/**
 * Executors (docs/architecture.md section 3, point 1). Arrival-rate executors are the open model:
 * operations start at planned times whether or not earlier ones finished.
 * The `type` string is the profile value and the scheduler file name (k6 convention).
 */
export type ExecutorSpec =
  | ConstantArrivalRate
  | RampingArrivalRate
  | ConstantConcurrency
  | RampingConcurrency
  | Iterations
  | Breakpoint;

export interface ConstantArrivalRate {
  type: 'constant-arrival-rate';
  ratePerSec: number;
  durationUs: number;
  maxInFlight: number;
}

export interface RampingArrivalRate {
  type: 'ramping-arrival-rate';
  startRatePerSec: number;
  /** The rate changes linearly from the previous target to `targetPerSec` over `durationUs`. */
  stages: Array<{ durationUs: number; targetPerSec: number }>;
  maxInFlight: number;
}

export interface ConstantConcurrency {
  type: 'constant-concurrency';
  users: number;
  durationUs: number;
}

export interface RampingConcurrency {
  type: 'ramping-concurrency';
  startUsers: number;
  /** The number of users changes linearly to `targetUsers` over `durationUs`. */
  stages: Array<{ durationUs: number; targetUsers: number }>;
}

export interface Iterations {
  type: 'iterations';
  /** Total operations, shared by all users. */
  iterations: number;
  users: number;
  /** The scenario ends after this even if iterations remain (they count as dropped). */
  maxDurationUs: number;
}

/**
 * `breakpoint` (issue 7): the open model at stepped rates, startRatePerSec,
 * + stepRatePerSec, ... up to maxRatePerSec, each held stepDurationUs
 * (src/scheduler/breakpoint.ts). The coordinator judges each completed step
 * against `stopWhen` and stops the run at the first step that fails
 * (src/scheduler/breakpoint-verdict.ts); the summary's `breakpoint` says the knee.
 */
export interface Breakpoint {
  type: 'breakpoint';
  startRatePerSec: number;
  stepRatePerSec: number;
  stepDurationUs: number;
  maxRatePerSec: number;
  maxInFlight: number;
  stopWhen: BreakpointStopWhen;
}

/** A step fails when any set limit is exceeded (absent: not checked); at least one is set. */
export interface BreakpointStopWhen {
  /** Response-time percentile limits of the step, integer microseconds. */
  p50Us?: number;
  p90Us?: number;
  p95Us?: number;
  p99Us?: number;
  /** Failed / completed in the step, a fraction (0..1). */
  errorRate?: number;
  /** Share of the step's planned arrivals that did not complete within the step (they queued or were dropped), 0..1. */
  droppedRate?: number;
}

export type ExecutorType = ExecutorSpec['type'];
export const EXECUTOR_TYPES: readonly ExecutorType[] = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-concurrency',
  'ramping-concurrency',
  'iterations',
  'breakpoint',
];

/** A threshold group: all expressions for one operation or scenario name. */
export interface ThresholdSpec {
  /** An operation name (`mwl.find`) or a scenario name; matches every series it names. */
  subject: string;
  expression: ThresholdExpression;
  /** Stop the run as soon as this threshold fails (after `delayAbortEvalUs`). */
  abortOnFail: boolean;
  delayAbortEvalUs: number;
}

/** A parsed threshold expression such as `p95 < 500ms` or `errors < 0.1%`. */
export interface ThresholdExpression {
  /** The text as written, for reports. */
  source: string;
  metric: ThresholdMetric;
  comparator: '<' | '<=' | '>' | '>=';
  /** Microseconds for latency metrics, a fraction (0..1) for errors/dropped, per second for rate. */
  value: number;
}

export type ThresholdMetric =
  | 'p50'
  | 'p90'
  | 'p95'
  | 'p99'
  | 'p99.9'
  | 'max'
  | 'mean'
  | 'errors'
  | 'dropped'
  | 'rate';
