/**
 * The embedded PACS simulator: a DIMSE SCP (C-ECHO, MWL C-FIND, MPPS, C-STORE,
 * Q/R C-FIND/C-MOVE/C-GET) and a DICOMweb server (QIDO-RS, WADO-RS, STOW-RS:
 * src/simulator/dicomweb-routes.ts) on 127.0.0.1, with the same fault knobs
 * (one injector per side, same settings and clock, so each side's injected
 * failures are counted apart: `stats()`), one seeded synthetic data set and one store of received instances
 * (src/simulator/instance-store.ts): what arrives by C-STORE or STOW-RS is
 * found and retrieved by both sides. It is a PACS, not part of the tester: it
 * never imports the coordinator, scheduler or outputs (docs/architecture.md section 2).
 */
import type { FaultKind, ResolvedTarget, SimulatorSettings } from '../profile/types.js';
import { PacsLoadError } from '../errors.js';
import { buildWorklist } from '../synth/worklist.js';
import { buildStudies } from '../synth/studies.js';
import { FaultInjector } from './faults.js';
import { startDimseSimulator } from './dimse-scp.js';
import { PriorArchive } from './dimse-qr-archive.js';
import type { MoveDestination } from './dimse-qr.js';
import { startDicomwebSimulator } from './dicomweb-server.js';
import { DicomwebStore } from './dicomweb-store.js';
import { InstanceStore } from './instance-store.js';
import type { InstanceStoreStats } from './instance-store.js';
import type { DimseSimulatorStats } from './dimse-scp.js';
import type { MppsStats } from './dimse-mpps.js';
import type { QrStats } from './dimse-qr.js';

export const SIMULATOR_AE_TITLE = 'PACSLOAD-SIM';

export interface SimulatorStartOptions {
  settings: SimulatorSettings;
  /** Loopback by default; the simulator is for local runs and tests. */
  host?: string;
  /** 0 (default) picks free ports. */
  dimsePort?: number;
  httpPort?: number;
  seed?: number;
  /** Local date of the worklist, YYYYMMDD; today by default. */
  date?: string;
  /** C-MOVE destinations by AE title, as a PACS is configured; besides the `<name>:<port>` convention (dimse-qr.ts). */
  moveDestinations?: ReadonlyMap<string, MoveDestination>;
  /**
   * Whether Q/R answers from the generated prior archive (dimse-qr-archive.ts)
   * as well as from what it received. Default true; false makes it the empty
   * PACS a run that seeds its own priors (`seedPriors`) expects.
   */
  generatedPriors?: boolean;
}

export interface RunningSimulator {
  dimse: { host: string; port: number; aeTitle: string };
  dicomweb: { baseUrl: string };
  /** A target that points at this simulator, ready for a profile. */
  target: ResolvedTarget;
  /** What the shared store holds, and what it evicted or refused (see InstanceStore). */
  storeStats(): InstanceStoreStats;
  /** The store both sides share: tests look inside it. */
  readonly store: InstanceStore;
  /** How many of each `simulator.faults` kind were injected so far (FaultInjector.injectedCounts). */
  injectedFaults(): Partial<Record<FaultKind, number>>;
  /**
   * Everything both sides counted so far, in one plain object (JSON-ready):
   * what `pacs-load simulate --stats-file` writes, and what a soak compares
   * with the tool's own counts (bench/soak.ts).
   */
  stats(): SimulatorStats;
  /**
   * Holds every random fault (error rate, throttle rate, `simulator.faults`)
   * off until `atMs` (a performance.now() value of this thread), e.g. a run's
   * time zero, so the look-ups and warm-up before it see a healthy PACS and
   * only the measured load meets the faults. Latency, jitter, the stall and
   * the association limit are not held.
   */
  holdFaultsUntil(atMs: number): void;
  /** Restarts the clock of the fault knobs (`stallAt`), e.g. at a run's time zero; see FaultInjector.start. */
  startFaultClock(atMs?: number): void;
  close(): Promise<void>;
}

/** What the simulator counted (RunningSimulator.stats). */
export interface SimulatorStats {
  dimse: DimseSimulatorStats & {
    mpps: MppsStats;
    qr: QrStats;
    /**
     * DIMSE answers the error rate (`errorRate`) turned into failures, every
     * service (C-ECHO, C-FIND, C-STORE, MPPS, Q/R); `failuresInjected` counts
     * only C-ECHO, C-FIND and C-STORE ones.
     */
    errorRateFailures: number;
    /** Injected protocol faults drawn by the DIMSE side (per association or request), by kind. */
    injectedFaults: Partial<Record<FaultKind, number>>;
  };
  dicomweb: {
    /** HTTP requests received, any route, any answer (a fault's included). */
    requestsServed: number;
    connectionsAccepted: number;
    /** Requests the error rate answered 503. */
    errorRateFailures: number;
    /** Requests `throttleRate` answered 429. */
    throttled: number;
    /** Injected protocol faults drawn by the DICOMweb side (per request), by kind. */
    injectedFaults: Partial<Record<FaultKind, number>>;
  };
  /** The store both sides share. */
  store: InstanceStoreStats;
  /** Injected protocol faults by kind, both sides added (`injectedFaults()`). */
  injectedFaults: Partial<Record<FaultKind, number>>;
}

/** The sum of two sets of counts by fault kind. */
function addFaultCounts(
  a: Partial<Record<FaultKind, number>>,
  b: Partial<Record<FaultKind, number>>,
): Partial<Record<FaultKind, number>> {
  const sum: Partial<Record<FaultKind, number>> = { ...a };
  for (const [kind, count] of Object.entries(b) as Array<[FaultKind, number]>) sum[kind] = (sum[kind] ?? 0) + count;
  return sum;
}

/** Starts both servers; on failure nothing is left listening. */
export async function startSimulator(options: SimulatorStartOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const date = options.date ?? localDateYyyymmdd(new Date());
  const { settings } = options;
  // One injector per side: the same knobs and clock (started together), counted apart.
  const faults = new FaultInjector(settings.faults);
  const httpFaults = new FaultInjector(settings.faults);

  const worklist = buildWorklist({
    stations: settings.stations,
    stepsPerStation: settings.stepsPerStation,
    date,
    seed,
    modality: 'CT',
  });
  const studies = buildStudies({ count: settings.studies, seed, date });

  const store = new InstanceStore({
    ...(settings.storeMaxBytes === undefined ? {} : { maxBytes: settings.storeMaxBytes }),
    ...(settings.storeWhenFull === undefined ? {} : { whenFull: settings.storeWhenFull }),
  });

  const closers: Array<() => Promise<void>> = [];
  try {
    const dimse = await startDimseSimulator({
      host,
      port: options.dimsePort ?? 0,
      aeTitle: SIMULATOR_AE_TITLE,
      worklist,
      faults,
      // The same seed as the workers', so the prior archive agrees with qr.find's patients (PLSYN-nnnnnn).
      // Every patient has priors: a prior look-up that finds none is `empty`, a failure, unless the
      // scenario says `expectMatches: false` (src/profile/expect-matches.ts), so the simulator holds what the tool asks for.
      // A run that seeds its own priors (`seedPriors`) meets an empty archive instead: every patient has none until studies arrive for it.
      priors: new PriorArchive({ seed, date, noPriorShare: options.generatedPriors === false ? 1 : 0 }),
      store,
      ...(options.moveDestinations === undefined ? {} : { moveDestinations: options.moveDestinations }),
    });
    closers.push(() => dimse.close());
    const dicomweb = await startDicomwebSimulator({ host, port: options.httpPort ?? 0, studies, faults: httpFaults, store: new DicomwebStore(studies, store) });
    closers.push(() => dicomweb.close());
    const clockStartMs = performance.now();
    faults.start(clockStartMs);
    httpFaults.start(clockStartMs);
    return {
      dimse: { host, port: dimse.port, aeTitle: SIMULATOR_AE_TITLE },
      dicomweb: { baseUrl: dicomweb.baseUrl },
      target: {
        dimse: {
          host,
          port: dimse.port,
          calledAe: SIMULATOR_AE_TITLE,
          callingAe: 'PACSLOAD',
          connectTimeoutUs: 5_000_000,
          operationTimeoutUs: 30_000_000,
        },
        dicomweb: { baseUrl: dicomweb.baseUrl, connections: 16, operationTimeoutUs: 30_000_000, auth: undefined },
      },
      storeStats: () => store.stats(),
      store,
      injectedFaults: () => addFaultCounts(faults.injectedCounts(), httpFaults.injectedCounts()),
      stats: () => ({
        dimse: {
          ...dimse.stats(),
          mpps: dimse.mpps.stats(),
          qr: dimse.qrStats(),
          errorRateFailures: faults.errorRateFailures,
          injectedFaults: faults.injectedCounts(),
        },
        dicomweb: {
          requestsServed: dicomweb.requestsServed,
          connectionsAccepted: dicomweb.connectionsAccepted,
          errorRateFailures: httpFaults.errorRateFailures,
          throttled: httpFaults.throttled,
          injectedFaults: httpFaults.injectedCounts(),
        },
        store: store.stats(),
        injectedFaults: addFaultCounts(faults.injectedCounts(), httpFaults.injectedCounts()),
      }),
      holdFaultsUntil: (atMs) => {
        faults.holdUntil(atMs);
        httpFaults.holdUntil(atMs);
      },
      startFaultClock: (atMs) => {
        const startMs = atMs ?? performance.now();
        faults.start(startMs);
        httpFaults.start(startMs);
      },
      close: async () => {
        await Promise.all(closers.map((close) => close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(closers.map((close) => close()));
    throw new PacsLoadError('ERR_SIMULATOR_START', `The embedded simulator could not start: ${String(error)}`, {
      hint: `Check that ${host} can be bound, or give the profile a target.`,
      cause: error,
    });
  }
}

export function localDateYyyymmdd(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}${month}${day}`;
}
