/**
 * The data that flows from workers to the coordinator to the outputs
 * (docs/architecture.md section 3, point 4): per-interval snapshots with encoded HDR
 * histograms and counters, never per-sample messages; and the run summary,
 * the exact merge of all intervals.
 */
import type { HistogramName } from './names.js';

/** Encoded HDR histograms (hdr-histogram-js `encodeIntoCompressedBase64`), integer microseconds. */
export type EncodedHistograms = Partial<Record<HistogramName, string>>;

/** What one worker measured for one scenario's operation during one interval. */
export interface SeriesSnapshot {
  scenario: string;
  operation: string;
  /** Completed operations by outcome key (`outcomeKey()`), success and failure alike. */
  outcomes: Record<string, number>;
  /** Planned operations that could not start before the scenario ended. */
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  /** Protocol requests of the completed operations (HTTP requests, DIMSE requests). */
  requests?: number;
  /** Retrievals only (`RetrievalCounters`): absent when no operation of the interval reported it. */
  matches?: number;
  instancesRetrieved?: number;
  /** Operations in flight at the end of the interval (a gauge, summed across workers). */
  inFlight: number;
  histograms: EncodedHistograms;
  /** Why, per outcome key, for the operations whose outcome carried a reason (src/metrics/reasons.ts); absent: none did. */
  reasons?: Record<string, OutcomeReasons>;
}

/** One distinct reason and how many operations gave it. */
export interface ReasonCount {
  reason: string;
  count: number;
}

/**
 * The reasons of one outcome key (src/metrics/reasons.ts): the distinct ones
 * kept (at most 10, highest count first) and how many operations gave another
 * reason. `top` counts plus `other` is the number of operations of that key
 * that carried a reason (at most the key's count: some outcomes carry none).
 */
export interface OutcomeReasons {
  top: ReasonCount[];
  other: number;
}

/** One worker's interval. Times are microseconds since the run's epoch (`runEpochMs`). */
export interface IntervalSnapshot {
  workerIndex: number;
  /** 0, 1, 2 ... per worker; interval boundaries are the same for every worker. */
  sequence: number;
  startUs: number;
  endUs: number;
  series: SeriesSnapshot[];
}

/** Latency statistics of one histogram, integer microseconds. */
export interface LatencyStats {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p95Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** The whole run for one scenario's operation. */
export interface OperationSummary {
  scenario: string;
  operation: string;
  /** Completed operations (success + failure). */
  completed: number;
  succeeded: number;
  failed: number;
  dropped: number;
  /** Completed operations per second over the scenario's active time. */
  ratePerSec: number;
  /** Failed / (completed + dropped); dropped operations are failures a user would feel. */
  errorRate: number;
  droppedRate: number;
  outcomes: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  /**
   * Protocol requests of the completed operations (HTTP requests; DIMSE
   * requests, e.g. one C-STORE per image). Absent in summaries written before it was counted.
   */
  requests?: number;
  /**
   * Retrievals (qr.*, qido.*, wado.*, viewer.open): results their answers held
   * (C-FIND pending responses with an identifier, QIDO-RS results). Absent for
   * other operations and in summaries written before it was counted.
   */
  matches?: number;
  /**
   * Retrievals: instances retrieved (C-MOVE/C-GET completed sub-operations,
   * PS3.4 C.4.2.1.5 and C.4.3.1.5; WADO-RS parts, metadata objects, rendered
   * images; viewer.open frames). Absent as `matches` is.
   */
  instancesRetrieved?: number;
  /** Seconds between this series' first and last interval (for rates and bandwidth). */
  activeSeconds: number;
  latency: Partial<Record<HistogramName, LatencyStats>>;
  /** The merged histograms themselves, so summaries merge exactly (issue: merge). */
  histograms: EncodedHistograms;
  /**
   * Why, per outcome key: the distinct reasons with counts (issue 14, item 4).
   * Absent when no outcome carried a reason, and in summaries written before reasons were kept.
   */
  reasons?: Record<string, OutcomeReasons>;
}

/** One point of the run's time series, per interval and series, for reports and live lines. */
export interface IntervalPoint {
  scenario: string;
  operation: string;
  startUs: number;
  endUs: number;
  completed: number;
  failed: number;
  /** Completed operations by outcome key (`outcomeKey()`), for errors-by-outcome over time. */
  outcomes: Record<string, number>;
  dropped: number;
  inFlight: number;
  bytesSent: number;
  bytesReceived: number;
  /** Retrievals only: results found and instances retrieved in the interval (as `OperationSummary`). */
  matches?: number;
  instancesRetrieved?: number;
  response: LatencyStats | undefined;
}

/**
 * One complete interval as outputs receive it (`Output.interval`): the live
 * line's figures and, per series, the point and the interval's own histograms
 * merged across workers (encoded), so an output such as InfluxDB can store
 * them for exact percentiles over any window later. Not kept in the summary.
 */
export interface IntervalReport {
  /**
   * The run's time zero as wall-clock epoch milliseconds (interval times are
   * microseconds after it); set by the coordinator, absent in reports built
   * without a run (tests).
   */
  runEpochMs?: number;
  sequence: number;
  startUs: number;
  endUs: number;
  status: LiveStatus;
  series: IntervalSeriesReport[];
}

export interface IntervalSeriesReport {
  point: IntervalPoint;
  histograms: EncodedHistograms;
}

/** What an output that delivers elsewhere (a database) managed to deliver, for the summary. */
export interface OutputDelivery {
  /** Points (or records) the destination acknowledged. */
  written: number;
  /** Write attempts that failed and were tried again. */
  retried: number;
  /** Points given up on: buffer full, retries exhausted, or still unsent at the end. */
  dropped: number;
  /** The last delivery error, secrets removed; absent when everything was written. */
  lastError?: string;
}

/** Facts about the machine that generated the load, for reports. */
export interface RunEnvironment {
  hostname: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
}

export interface ThresholdResult {
  subject: string;
  expression: string;
  /** The measured value in the expression's unit (microseconds, fraction, per second). */
  measured: number | undefined;
  limit: number;
  passed: boolean;
  /** Human text: `p95 = 612 ms, limit < 500 ms`. */
  detail: string;
}

export const SUMMARY_SCHEMA_ID = 'pacs-load/summary';
export const SUMMARY_SCHEMA_VERSION = 1;

/** The versioned summary JSON (`--out FILE`). */
export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA_ID;
  version: typeof SUMMARY_SCHEMA_VERSION;
  run: {
    id: string;
    profile: string;
    startedAt: string;
    endedAt: string;
    durationSeconds: number;
    workers: number;
    /**
     * Why the run ended: it completed, an abortOnFail threshold stopped it, it
     * was interrupted (Ctrl-C, SIGTERM), or a worker failed (`workerFailure`);
     * `running` in a checkpoint written while the run was still going (a file
     * left by a killed process says so).
     */
    endReason: 'completed' | 'threshold-abort' | 'interrupted' | 'worker-failed' | 'running';
    tool: { name: 'pacs-load'; version: string; node: string };
    target: string;
    /** The load generator's machine (absent in summaries merged from several machines with different ones). */
    environment?: RunEnvironment;
    /** The profile as run: the text of the file given (it holds no secrets; they come from the environment). */
    profileSource?: string;
    /** `--segment`: this instance's share of a run split over machines (issue 8), e.g. `2/8` or `1/4:1/2`. */
    segment?: string;
  };
  operations: OperationSummary[];
  thresholds: ThresholdResult[];
  intervals: IntervalPoint[];
  /** `--verify` only: whether every instance the target acknowledged is really there. */
  verify?: VerifySummary;
  /** How the run made its identities (UIDs, patient IDs, accession numbers; issue 14). */
  identities?: IdentitySummary;
  /**
   * `merge` only, when the merged parts made their identities differently
   * (then `identities` is absent and each part's own is under `instanceSections`).
   */
  identitiesPerPart?: IdentitiesPerPart;
  /** Only when a scenario stores (dimse.store, stow.study, a chain with dimse.store): what the target acknowledged, to compare with the archive's own counts. */
  stored?: StoredSummary;
  /** Per output that delivers elsewhere (e.g. `influxdb`): what it delivered. */
  outputs?: Record<string, OutputDelivery>;
  /** `endReason: 'worker-failed'`: the worker failure that ended the run early (a bug or a resource limit, not a target failure). */
  workerFailure?: { workerIndex: number; code: string; message: string };
  /**
   * Only when the profile has a `breakpoint` scenario (issue 7): each judged
   * step and the knee, the last step that met every `stopWhen` limit and the
   * first that did not (src/scheduler/breakpoint-verdict.ts).
   */
  breakpoint?: BreakpointSummary;
  /**
   * Only when the profile has a `migration` block (issue 7): the bulk move's
   * sustained throughput and, given an archive size, the time to move it.
   */
  migration?: MigrationSummary;
  /**
   * `merge` only, when the merged summaries' `breakpoint`, `migration` or
   * `identities` differ: those sections per instance (the top-level
   * sections are then absent; `identitiesPerPart` sums up the identities).
   */
  instanceSections?: InstanceSections[];
  /**
   * Only when the profile has a `seedPriors` block (issue 14, item 6): the prior
   * studies stored before time zero, outside the measured run.
   */
  seedPriors?: SeedPriorsSummary;
}

/** What the seeding step stored before time zero (src/operations/seed-priors.ts). */
export interface SeedPriorsSummary {
  /** `dimse` (C-STORE) or `dicomweb` (STOW-RS). */
  via: 'dimse' | 'dicomweb';
  modality: string;
  /** Synthetic patients PLSYN-000001 up to this number. */
  patients: number;
  studiesPerPatient: number;
  /** patients x studiesPerPatient. */
  studiesPlanned: number;
  /** Studies every instance of which the target acknowledged. */
  studiesStored: number;
  /** Studies sent of which the target did not acknowledge every instance. */
  studiesFailed: number;
  /** Studies never sent: seeding stopped early (nothing stored from the first studies) or was interrupted. */
  studiesNotSent: number;
  /** Instances of the studies planned. */
  instancesPlanned: number;
  /** Instances the target acknowledged (C-STORE success or warning, PS3.4 B.2.3; STOW-RS ReferencedSOPSequence, PS3.18 10.5.3). */
  instancesStored: number;
  /** Bytes sent on the wire (DIMSE PDUs or HTTP requests). */
  bytesSent: number;
  /** Wall-clock seconds the seeding took. */
  durationSeconds: number;
  /** Why studies failed: distinct reasons with their counts, most frequent first (at most 10). */
  failures: Array<{ reason: string; count: number }>;
}

/** The breakpoint search of one scenario. */
export interface BreakpointSummary {
  scenario: string;
  /** The rate of the last step that met every limit; absent when the first step already failed. */
  sustainableRatePerSec?: number;
  /** The rate of the first step that failed; absent when every step up to maxRate passed. */
  failedRatePerSec?: number;
  /** Why the search ended, e.g. `p95 812 ms > 500 ms at 40/s`, or `maxRate reached without a failed step`. */
  reason: string;
  /** The judged steps, in order (a step cut short by the end of the run is not judged). */
  steps: BreakpointStepSummary[];
}

export interface BreakpointStepSummary {
  /** The step's planned (offered) rate. */
  ratePerSec: number;
  /** Completed operations per second within the step. */
  achievedPerSec: number;
  /** Response-time p95 of the operations completed within the step; absent when none completed. */
  p95Us?: number;
  /** Failed / completed within the step (0 when none completed). */
  errorRate: number;
  /** Dropped / planned within the step. */
  droppedRate: number;
  passed: boolean;
  /** The limits this step exceeded, as text (`p95 812 ms > 500 ms`); empty when it passed. */
  exceeded: string[];
}

/** A migration profile's throughput figures (docs/architecture.md section 3, point 6: bytes are first-class). */
export interface MigrationSummary {
  /** The migration scenarios' bytes sent (DIMSE or DICOMweb payload), all workers. */
  bytesSent: number;
  /** Seconds the migration scenarios were active (first to last interval). */
  activeSeconds: number;
  /** bytesSent over activeSeconds, in decimal gigabytes (10^9 B) per hour. */
  sustainedGBPerHour: number;
  /** The archive to move, when the profile or `--archive-size` gives it. */
  archiveSizeBytes?: number;
  /** archiveSizeBytes at sustainedGBPerHour. */
  hoursToMove?: number;
}

/** How the run made its identities (src/synth/identity.ts). */
export interface IdentitySummary {
  /** `unique`: new identities every run; `fixed`: the same for the same seed (`--identities fixed`). */
  mode: 'unique' | 'fixed';
  /** The per-run part of every identity: from the run id (unique) or the seed (fixed). */
  runComponent: string;
  /** The UID root: the profile's `uidRoot`, or 2.25 (UUID-derived UIDs). */
  uidRoot: string;
  /** The run meant to send some objects more than once: `fixed` identities or a scenario's `duplicateSends`. */
  duplicatesIntended: boolean;
}

/** `merge` only: the parts made their identities differently; each part's own is under `instanceSections`. */
export interface IdentitiesPerPart {
  /** The parts' distinct modes. */
  modes: Array<IdentitySummary['mode']>;
  /** True when any part meant to send some objects more than once. */
  duplicatesIntended: boolean;
}

/**
 * What the storing scenarios had acknowledged: against an archive that keeps
 * every instance once (Orthanc's `/statistics` CountInstances, CountStudies),
 * its gain equals `acknowledgedInstances` and `studies` when no object was
 * sent twice.
 */
export interface StoredSummary {
  /** Per storing scenario, in profile order. */
  scenarios: StoredScenarioSummary[];
  /** Instances acknowledged (C-STORE success or warning, STOW-RS referenced), all scenarios. */
  acknowledgedInstances: number;
  /** Distinct Study Instance UIDs with at least one acknowledged instance, all scenarios. */
  studies: number;
  /** Studies a worker acknowledged beyond its memory cap, not in `studies` (then `studies` is a lower bound); absent when 0. */
  studiesNotCounted?: number;
  /**
   * `merge` only: the number of parts whose counts were added. Each part
   * counted its distinct studies, so a study several parts sent images of
   * (e.g. a chain's worklist study) is counted once per part, and `studies`
   * (total and per scenario) may exceed the archive's count. Absent: one run.
   */
  studiesSummedOverParts?: number;
}

export interface StoredScenarioSummary {
  scenario: string;
  operation: string;
  acknowledgedInstances: number;
  studies: number;
}

/**
 * The after-run check that acknowledged instances are stored (issue 3, item 4):
 * C-FIND at IMAGE level against the target (src/coordinator/verify-stored.ts).
 */
export interface VerifySummary {
  /** Acknowledged instances whose presence was checked. */
  checked: number;
  /** Of those, how many the target does not return. */
  missing: number;
  /** SOP Instance UIDs of the first 100 missing instances. */
  missingInstances: string[];
  /** Acknowledged instances not checked: beyond the workers' memory cap, or in a study whose query failed. */
  notChecked: number;
  /** Why the check could not be completed (a failed query, no DIMSE target); the run is then not verified. */
  error?: string;
  /*
   * The sends behind the check (issue 14, item 3). Absent in summaries written
   * before them, which still read and render as before.
   */
  /** Every acknowledgement the target gave: an instance acknowledged twice counts twice (those beyond the memory cap included). */
  acknowledgedSends?: number;
  /** Distinct SOP Instance UIDs among the acknowledgements kept. */
  distinctInstances?: number;
  /** Instances acknowledged more than once. */
  acknowledgedMoreThanOnce?: number;
  /** Acknowledgements beyond each instance's first: acknowledgedSends - distinctInstances, of those kept. */
  extraAcknowledgements?: number;
  /** SOP Instance UIDs of the first 100 instances acknowledged more than once. */
  duplicateInstances?: string[];
  /**
   * The run sent the same instances again on purpose (a deliberate duplicate-send
   * test): duplicates are reported as intended and do not fail verification.
   * False or absent: a duplicate is a fault of the run's identities and fails it.
   */
  duplicatesIntended?: boolean;
  /** The result in words, as the console prints it (`240 acknowledged sends of 120 distinct instances: ...`). */
  detail?: string;
}

/**
 * `merge` of summaries whose `breakpoint` or `migration` differ: each
 * summary's own section, named by the file (or run) it came from.
 */
export interface InstanceSections {
  /** The merged file's path as given to `merge`, or the run's segment or id. */
  instance: string;
  breakpoint?: BreakpointSummary;
  migration?: MigrationSummary;
  identities?: IdentitySummary;
}

/** The figures of the live console line, for the latest complete interval (all workers reported). */
export interface LiveStatus {
  elapsedUs: number;
  /** Completed operations per second in the interval, all series together. */
  opsPerSec: number;
  /** Response-time p95 of the interval across all series, undefined when nothing completed. */
  p95Us: number | undefined;
  /** Failed operations in the interval. */
  errors: number;
  /** Failed operations since the start. */
  errorsTotal: number;
  inFlight: number;
  /** Dropped operations since the start. */
  droppedTotal: number;
}
