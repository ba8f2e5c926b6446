/**
 * The embedded PACS simulator: a DIMSE SCP (C-ECHO, MWL C-FIND, MPPS, C-STORE,
 * Q/R C-FIND/C-MOVE/C-GET) and a DICOMweb server (QIDO-RS, WADO-RS, STOW-RS:
 * src/simulator/dicomweb-routes.ts) on 127.0.0.1, sharing one fault injector,
 * one seeded synthetic data set and one store of received instances
 * (src/simulator/instance-store.ts): what arrives by C-STORE or STOW-RS is
 * found and retrieved by both sides. It is a PACS, not part of the tester: it
 * never imports the coordinator, scheduler or outputs (DESIGN section 2).
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
  /** Restarts the clock of the fault knobs (`stallAt`), e.g. at a run's time zero; see FaultInjector.start. */
  startFaultClock(atMs?: number): void;
  close(): Promise<void>;
}

/** Starts both servers; on failure nothing is left listening. */
export async function startSimulator(options: SimulatorStartOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const date = options.date ?? localDateYyyymmdd(new Date());
  const { settings } = options;
  const faults = new FaultInjector(settings.faults);

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
      priors: new PriorArchive({ seed, date }),
      store,
      ...(options.moveDestinations === undefined ? {} : { moveDestinations: options.moveDestinations }),
    });
    closers.push(() => dimse.close());
    const dicomweb = await startDicomwebSimulator({ host, port: options.httpPort ?? 0, studies, faults, store: new DicomwebStore(studies, store) });
    closers.push(() => dicomweb.close());
    faults.start();
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
      injectedFaults: () => faults.injectedCounts(),
      startFaultClock: (atMs) => faults.start(atMs),
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
