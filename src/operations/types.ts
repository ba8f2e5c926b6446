/**
 * The contract between the worker's run loop and an operation (docs/architecture.md section 4).
 * An operation builds its request, calls a protocol client and checks the answer.
 * It never throws for a target failure: it returns an `Outcome`. It never reads
 * the clock for response/service time; the run loop does that around `run()`.
 */
import type { Outcome, OperationName } from '../metrics/names.js';
import type { OperationParams, ResolvedTarget } from '../profile/types.js';
import type { IdentityAllocator } from '../synth/identity.js';

export interface OperationResult {
  outcome: Outcome;
  bytesSent: number;
  bytesReceived: number;
  /** DIMSE: TCP connect + A-ASSOCIATE-RQ/AC, integer microseconds. */
  setupUs?: number;
  /** DICOMweb: request sent to first response byte, integer microseconds. */
  ttfbUs?: number;
  /**
   * Protocol requests the operation made (HTTP requests; DIMSE requests such as
   * one C-STORE per image). Absent: 1. `viewer.open` makes hundreds, and
   * "requests per open" is one of its figures (issue 4, item 3).
   */
  requests?: number;
  /**
   * Retrievals (qr.*, qido.*, wado.*, viewer.open): results the answers held,
   * C-FIND pending responses with an identifier (PS3.4 C.4.1.1.3.2) or QIDO-RS
   * results (PS3.18 10.6.3). Absent for operations that search nothing.
   */
  matches?: number;
  /**
   * Retrievals: instances retrieved: C-MOVE/C-GET completed sub-operations
   * (PS3.4 C.4.2.1.5, C.4.3.1.5), WADO-RS parts, metadata objects, rendered
   * images, viewer.open frames. Absent for operations that retrieve no instances.
   */
  instancesRetrieved?: number;
  /**
   * Storage operations: the instances the target acknowledged as stored
   * (C-STORE success or warning, PS3.4 B.2.3), for `--verify`
   * (src/coordinator/verify-stored.ts). Absent when the operation stores nothing.
   */
  acknowledged?: AcknowledgedInstance[];
}

/** One instance a target said it stored. */
export interface AcknowledgedInstance {
  studyUid: string;
  /** Known for DIMSE sends; lets the check query per series (PS3.4 C.4.1.3.1.1, hierarchical). */
  seriesUid?: string;
  sopInstanceUid: string;
}

/** What an operation is built from, once per worker and scenario. */
export interface OperationSetup {
  target: ResolvedTarget;
  params: OperationParams;
  /** Worker position, so synthetic choices can differ between workers. */
  workerIndex: number;
  workerCount: number;
  /** Seed for synthetic data (the profile's, or derived from the run id). */
  seed: number;
  /**
   * Allocates this scenario's identities (UIDs, patient IDs, accession
   * numbers; src/synth/identity.ts), unique across scenarios, workers and
   * runs. Absent (an operation built outside a run): a random run component.
   */
  identities?: IdentityAllocator;
  /** Environment variables the CLI passed in (for credentials named in the profile). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * `--allow-unmarked-data` (issue 10, item 5): send data built from worklist
   * items that lack the synthetic marking (src/synth/marking.ts). Absent or
   * false: such items are refused (the chain sends nothing for them).
   */
  allowUnmarkedData?: boolean;
}

/** What one run of an operation gets. */
export interface IterationContext {
  /** Global index of this operation in its scenario (unique across workers). */
  iteration: number;
  /** Aborted when the scenario's graceful stop runs out. */
  signal: AbortSignal;
  /**
   * A composite operation (`chain`, src/operations/chain.ts) calls this as each
   * of its steps completes, synchronously, so that the run loop reads the clock
   * then and records the step as a series of its own. Others never call it.
   */
  onStep?: (step: StepReport) => void;
}

/** One completed step of a composite operation. */
export interface StepReport {
  operation: OperationName;
  result: OperationResult;
}

export interface Operation {
  readonly name: OperationName;
  /** Runs one operation. Resolves with its outcome; rejects only for bugs. */
  run(context: IterationContext): Promise<OperationResult>;
  /**
   * Optional one-off work before time zero, so that it is not timed as the
   * target's latency: e.g. the DICOMweb fetch operations look up which studies
   * the target holds (src/operations/dicomweb-catalog.ts). Never rejects for a
   * target failure; `run()` redoes whatever did not succeed. Called at most once,
   * before the first `run()`.
   */
  prepare?(signal: AbortSignal): Promise<void>;
  /** Releases pooled connections. Called once, after the last `run()` settled. */
  close(): Promise<void>;
}

export type OperationFactory = (setup: OperationSetup) => Operation;
