/**
 * `qr.move`: retrieve a prior to the tool's own store SCP (docs/architecture.md section 4).
 * The prior lookup (study-level C-FIND by Patient ID, qr-priors.ts) finds the
 * patient's newest prior; a study-level C-MOVE (PS3.4 C.4.2) then asks the
 * target to send it to the store SCP, which counts and discards what arrives
 * (src/protocol/dimse/store-scp.ts). Patients without priors (45%, docs/architecture.md
 * section 6) cost only the query, as a prefetch rule's do.
 *
 * The store SCP is started by the first run, one per worker and scenario, on
 * 127.0.0.1 for a loopback target and on every interface otherwise, at port
 * `storeScpPort` + worker index, or a free port when `storeScpPort` is 0 (the default). The Move Destination AE title
 * is `moveDestination`, which a real PACS must know with this host and port
 * (Orthanc: `DicomModalities`). Without it, `PLSCP:<port>` is sent: the embedded
 * simulator resolves `<name>:<port>` to the caller's address and that port
 * (src/simulator/dimse-qr.ts); a real PACS answers A801, move destination unknown.
 *
 * Outcome: the C-MOVE's final status (PS3.4 C.4.2.1.5): success; B000 (one or
 * more sub-operations failed or had warnings) is a warning; A7xx, A801, A900,
 * Cxxx are failures. Bytes received include what arrived at the store SCP since
 * the previous retrieve finished (exact in total, approximate per operation when
 * retrieves overlap).
 *
 * Records the lookup's matches and the instances retrieved: the completed and
 * warning sub-operations of the C-MOVE's last response that carried counts
 * (PS3.4 C.4.2.1.5), or, when the target sent none, the instances the store
 * SCP stored since the previous retrieve. No prior for the patient, or a
 * C-MOVE that completed no sub-operation, is the `empty` outcome unless the
 * scenario says `expectMatches: false`.
 */
import { runAssociation } from '../protocol/dimse/association.js';
import { createStudyMoveRequest } from '../protocol/dimse/qr-requests.js';
import { startStoreScp } from '../protocol/dimse/store-scp.js';
import type { RunningStoreScp } from '../protocol/dimse/store-scp.js';
import { requireDimseTarget, toOperationResult } from './dimse-target.js';
import { expectsMatches } from '../profile/expect-matches.js';
import { DEFAULT_QR_PATIENTS, combineResults, emptyUnlessExpected, isSuccess, lookUpPriors, priorPatientId, watchSubOperations } from './qr-priors.js';
import type { Operation, OperationFactory, OperationResult, OperationSetup } from './types.js';

export interface QrMoveHandle {
  operation: Operation;
  /** The store SCP once started (tests read its counters). */
  storeScp(): RunningStoreScp | undefined;
}

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createQrMove: OperationFactory = (setup) => createQrMoveWithScp(setup).operation;

/** `qr.move` with access to its store SCP. */
export function createQrMoveWithScp(setup: OperationSetup): QrMoveHandle {
  const target = requireDimseTarget(setup, 'qr.move');
  const patients = setup.params.patients ?? DEFAULT_QR_PATIENTS;
  const basePort = setup.params.storeScpPort ?? 0;
  const expectMatches = expectsMatches('qr.move', setup.params);
  let scp: RunningStoreScp | undefined;
  let starting: Promise<RunningStoreScp> | undefined;
  const storeScp = (): Promise<RunningStoreScp> => {
    starting ??= startStoreScp({
      // Loopback targets send to loopback; a remote PACS must reach us from outside.
      host: isLoopback(target.host) ? '127.0.0.1' : '0.0.0.0',
      port: basePort === 0 ? 0 : basePort + setup.workerIndex,
    }).then((running) => {
      scp = running;
      return running;
    });
    return starting;
  };

  const operation: Operation = {
    name: 'qr.move',
    async run({ iteration, signal }): Promise<OperationResult> {
      let receiver: RunningStoreScp;
      try {
        receiver = await storeScp();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
        return { outcome: { kind: 'check-failed', reason: `the store SCP could not listen (${code}); check storeScpPort` }, bytesSent: 0, bytesReceived: 0 };
      }
      const patientId = priorPatientId(iteration, patients);
      const lookup = await lookUpPriors(target, patientId, 'study', signal);
      const newest = lookup.studyInstanceUids[0];
      if (newest === undefined || !isSuccess(lookup.result)) {
        // A failed lookup keeps its own outcome; a successful one without studies is empty.
        return emptyUnlessExpected({ ...lookup.result, matches: lookup.matches, instancesRetrieved: 0 }, expectMatches, `no studies for patient ${patientId}`);
      }
      const destination = setup.params.moveDestination ?? `PLSCP:${receiver.port}`;
      const request = createStudyMoveRequest(destination, newest);
      const counts = watchSubOperations(request);
      const association = await runAssociation({ ...target, requests: [request], signal });
      const moved = toOperationResult(association);
      moved.bytesReceived += receiver.takeBytesReceived();
      const stored = receiver.takeInstancesStored();
      const reported = counts();
      const instancesRetrieved = reported === undefined ? stored : reported.completed + reported.warning;
      const result: OperationResult = { ...combineResults(lookup.result, moved), matches: lookup.matches, instancesRetrieved };
      if (instancesRetrieved === 0) return emptyUnlessExpected(result, expectMatches, `C-MOVE of the newest prior of ${patientId} completed no sub-operation`);
      return result;
    },
    close: async () => {
      const running = await starting?.catch(() => undefined);
      await running?.close();
    },
  };
  return { operation, storeScp: () => scp };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
