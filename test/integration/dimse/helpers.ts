/** Shared set-up for the DIMSE integration tests: a simulator on 127.0.0.1 and operation set-ups aimed at it. */
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { startDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import type { RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import type { OperationSetup } from '../../../src/operations/types.js';
import type { DimseTarget, OperationParams, SimulatorFaults } from '../../../src/profile/types.js';
import { buildWorklist } from '../../../src/synth/worklist.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';

export const STATIONS = 3;
export const STEPS_PER_STATION = 4;

export interface TestSimulator {
  simulator: RunningDimseSimulator;
  faults: FaultInjector;
}

export async function startTestSimulator(faults: Partial<SimulatorFaults> = {}, pendingStatus?: 0xff00 | 0xff01): Promise<TestSimulator> {
  const injector = new FaultInjector({ ...NO_FAULTS, ...faults });
  const worklist = buildWorklist({
    stations: STATIONS,
    stepsPerStation: STEPS_PER_STATION,
    date: localDicomDate(new Date()),
    seed: 7,
    modality: 'CT',
  });
  const simulator = await startDimseSimulator({ worklist, faults: injector, ...(pendingStatus === undefined ? {} : { pendingStatus }) });
  injector.start();
  return { simulator, faults: injector };
}

export function dimseTarget(simulator: { host: string; port: number; aeTitle: string }, overrides: Partial<DimseTarget> = {}): DimseTarget {
  return {
    host: simulator.host,
    port: simulator.port,
    calledAe: simulator.aeTitle,
    callingAe: 'PACSLOAD-TEST',
    connectTimeoutUs: 5_000_000,
    operationTimeoutUs: 10_000_000,
    ...overrides,
  };
}

export function operationSetup(target: DimseTarget, params: Partial<OperationParams> = {}): OperationSetup {
  return {
    target: { dimse: target, dicomweb: undefined },
    params: { stations: STATIONS, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 7,
    env: {},
  };
}

export function iteration(index: number): { iteration: number; signal: AbortSignal } {
  return { iteration: index, signal: new AbortController().signal };
}
