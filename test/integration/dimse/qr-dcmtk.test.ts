/**
 * Q/R interoperability with DCMTK (docs/architecture.md section 9), both ways:
 * - its findscu, getscu and movescu against the simulator's Study Root SCP
 *   (movescu receives on its own port, named by the `<name>:<port>` destination convention);
 * - qr.find, qr.move (to the tool's store SCP, registered in dcmqrscp's HostTable
 *   with a fixed `storeScpPort`) and qr.get against DCMTK's dcmqrscp, loaded with one
 *   patient's priors from the synthetic archive.
 * Skipped when DCMTK is not installed (scripts/install-peers.sh installs `dcmtk`).
 * TCP_NODELAY=1 makes DCMTK set it (otherwise Nagle adds about 40 ms per exchange).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNewestPrior } from '../../../src/operations/qr-get.js';
import { createQrMoveWithScp } from '../../../src/operations/qr-move.js';
import { lookUpPriors, priorPatientId } from '../../../src/operations/qr-priors.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { Dataset, requests } from '../../../src/protocol/dimse/dcmjs.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { PriorArchive, priorInstanceDataset, studyInstances } from '../../../src/simulator/dimse-qr-archive.js';
import type { PriorStudy } from '../../../src/simulator/dimse-qr-archive.js';
import { startDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import type { RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { iteration, operationSetup } from './helpers.js';
import { stopProcess } from '../../helpers/peer-process.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort, waitUntilListening } from '../../helpers/ports.js';

const run = promisify(execFile);
const hasScus = ['/usr/bin/findscu', '/usr/bin/getscu', '/usr/bin/movescu'].every((path) => existsSync(path));
const hasDcmqrscp = existsSync('/usr/bin/dcmqrscp');
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

const SEED = 21;
const archive = new PriorArchive({ seed: SEED, date: localDicomDate(new Date()) });
/** The first synthetic patient with priors, and its iteration index (patients round robin over 1,000,000). */
const patientIndex = (() => {
  for (let index = 0; ; index++) if (archive.studiesOf(priorPatientId(index, 1_000_000)).length > 0) return index;
})();
const patientId = priorPatientId(patientIndex, 1_000_000);
const studies: readonly PriorStudy[] = archive.studiesOf(patientId);
const newest = studies[0]!;
const instanceCount = (study: PriorStudy): number => studyInstances(study).length;

describe.skipIf(skipWithoutPeer(hasScus))('DCMTK Q/R SCUs against the simulator', () => {
  let simulator: RunningDimseSimulator;
  let folder: string;
  beforeAll(async () => {
    simulator = await startDimseSimulator({
      worklist: [],
      faults: new FaultInjector(NO_FAULTS),
      priors: new PriorArchive({ seed: SEED, date: localDicomDate(new Date()) }),
    });
    folder = await mkdtemp(join(tmpdir(), 'pacs-load-qr-'));
  });
  afterAll(async () => {
    await simulator.close();
    await rm(folder, { recursive: true, force: true });
  });
  const peer = (): string[] => ['-aet', 'DCMTK-SCU', '-aec', simulator.aeTitle, simulator.host, String(simulator.port)];

  it('findscu gets one pending answer per prior study', async () => {
    const result = await run('findscu', ['-v', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `PatientID=${patientId}`, '-k', 'StudyInstanceUID', ...peer()], {
      env: dcmtkEnv,
    });
    const output = result.stdout + result.stderr;
    expect(output.match(/Find Response: \d+ \(Pending\)/g)?.length ?? 0).toBe(studies.length);
    expect(output).toMatch(/Received Final Find Response \(Success\)/);
  });

  it('getscu receives every instance of the newest prior on its association', async () => {
    const output = join(folder, 'get');
    await mkdir(output);
    await run('getscu', ['-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${newest.studyInstanceUid}`, '-od', output, ...peer()], {
      env: dcmtkEnv,
    });
    expect(await readdir(output)).toHaveLength(instanceCount(newest));
  });

  it('movescu receives every instance at `MOVESCU:<port>`', async () => {
    const output = join(folder, 'move');
    await mkdir(output);
    const port = await freePort();
    await run(
      'movescu',
      ['-S', '-aem', `MOVESCU:${port}`, '+P', String(port), '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${newest.studyInstanceUid}`, '-od', output, ...peer()],
      { env: dcmtkEnv },
    );
    expect(await readdir(output)).toHaveLength(instanceCount(newest));
  });
});

describe.skipIf(skipWithoutPeer(hasDcmqrscp))('qr.find, qr.move and qr.get against DCMTK dcmqrscp', () => {
  const aeTitle = 'PACSQR';
  let folder: string;
  let port: number;
  let storeScpPort: number;
  let scp: ChildProcess;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pacs-load-dcmqrscp-'));
    const storage = join(folder, 'storage');
    await mkdir(storage);
    port = await freePort();
    storeScpPort = await freePort();
    // dcmqrscp.cfg (DCMTK docs/dcmqrcnf.txt): the move destination must be in the HostTable.
    const config = [
      `NetworkTCPPort = ${port}`,
      'MaxPDUSize = 16384',
      'MaxAssociations = 16',
      'HostTable BEGIN',
      `plscp = (PLSCP, 127.0.0.1, ${storeScpPort})`,
      'HostTable END',
      'VendorTable BEGIN',
      'VendorTable END',
      'AETable BEGIN',
      `${aeTitle} ${storage} RW (200, 1024mb) ANY`,
      'AETable END',
      '',
    ].join('\n');
    await writeFile(join(folder, 'dcmqrscp.cfg'), config);
    // Fork mode (the default): dcmqrscp 3.6.7 in single-process mode (-s) crashes after the first association here.
    scp = spawn('dcmqrscp', ['-c', join(folder, 'dcmqrscp.cfg'), String(port)], { env: dcmtkEnv, stdio: 'ignore' });
    await waitUntilListening(port, 'dcmqrscp');
    // Load the patient's priors, one association per study.
    for (const study of studies) {
      const stored = await runAssociation({
        ...target(),
        requests: studyInstances(study).map(({ series, instance }) => new requests.CStoreRequest(new Dataset(priorInstanceDataset(study, series, instance)))),
      });
      expect(stored.outcome).toEqual({ kind: 'ok' });
    }
  });

  afterAll(async () => {
    await stopProcess(scp, 'SIGKILL');
    await rm(folder, { recursive: true, force: true });
  });

  function target(): DimseTarget {
    return { host: '127.0.0.1', port, calledAe: aeTitle, callingAe: 'PACSLOAD-TEST', connectTimeoutUs: 5_000_000, operationTimeoutUs: 20_000_000 };
  }
  const signal = (): AbortSignal => new AbortController().signal;

  it('qr.find finds the priors at study level, newest first', async () => {
    const found = await lookUpPriors(target(), patientId, 'study', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    expect(found.studyInstanceUids).toHaveLength(studies.length);
    expect(found.studyInstanceUids[0]).toBe(newest.studyInstanceUid);
  });

  it('qr.find at series level finds every series of the priors', async () => {
    const found = await lookUpPriors(target(), patientId, 'series', signal());
    expect(found.result.outcome).toEqual({ kind: 'ok' });
    expect(found.seriesCount).toBe(studies.reduce((sum, study) => sum + study.series.length, 0));
  });

  it('qr.move moves the newest prior into the tool\'s store SCP on the configured port', async () => {
    const handle = createQrMoveWithScp(
      operationSetup(target(), { patients: 1_000_000, moveDestination: 'PLSCP', storeScpPort }),
    );
    try {
      const result = await handle.operation.run(iteration(patientIndex));
      expect(result.outcome).toEqual({ kind: 'ok' });
      expect(handle.storeScp()?.counters()).toMatchObject({ instances: instanceCount(newest), refused: 0 });
    } finally {
      await handle.operation.close();
    }
  });

  it('qr.get brings the newest prior back on its association', async () => {
    const got = await getNewestPrior(target(), patientId, signal());
    expect(got.result.outcome).toEqual({ kind: 'ok' });
    expect(got.received).toBe(instanceCount(newest));
  });
});
