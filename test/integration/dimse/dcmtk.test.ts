/**
 * Interoperability with DCMTK (docs/architecture.md section 9), both ways: its echoscu and
 * findscu against our simulator, and our operations against its worklist SCP.
 * Skipped when DCMTK is not installed (`apt-get install dcmtk`). TCP_NODELAY=1
 * makes DCMTK set it (otherwise Nagle adds about 40 ms per exchange).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS_PER_STATION, iteration, operationSetup, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';
import { createDimseEcho } from '../../../src/operations/dimse-echo.js';
import { createMwlFind, mwlQueryIdentifier } from '../../../src/operations/mwl-find.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { createWorklistFindRequest } from '../../../src/protocol/dimse/requests.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist } from '../../../src/synth/worklist.js';
import type { WorklistItem } from '../../../src/synth/worklist.js';
import { stopProcess } from '../../helpers/peer-process.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort, waitUntilListening } from '../../helpers/ports.js';

const run = promisify(execFile);
const hasDcmtk = ['/usr/bin/echoscu', '/usr/bin/findscu'].every((path) => existsSync(path));
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

describe.skipIf(skipWithoutPeer(hasDcmtk))('DCMTK SCUs against the simulator', () => {
  let running: TestSimulator;
  beforeAll(async () => {
    running = await startTestSimulator();
  });
  afterAll(async () => {
    await running.simulator.close();
  });

  it('echoscu verifies it', async () => {
    const { simulator } = running;
    const result = await run('echoscu', ['-v', '-aet', 'PACSLOAD-TEST', '-aec', simulator.aeTitle, simulator.host, String(simulator.port)], { env: dcmtkEnv });
    expect(result.stdout + result.stderr).toMatch(/Received Echo Response \(Success\)/);
  });

  it('echoscu with the wrong called AE title is rejected', async () => {
    const { simulator } = running;
    const failed = await run('echoscu', ['-aet', 'PACSLOAD-TEST', '-aec', 'WRONG', simulator.host, String(simulator.port)], { env: dcmtkEnv }).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
    );
    expect(failed).toMatch(/Called AE Title Not Recognized/i);
  });

  it('findscu gets the station\'s worklist items', async () => {
    const { simulator } = running;
    const sps = 'ScheduledProcedureStepSequence[0]';
    const result = await run(
      'findscu',
      [
        '-v', '-W',
        '-aet', 'PACSLOAD-TEST', '-aec', simulator.aeTitle,
        '-k', 'PatientName', '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'StudyInstanceUID',
        // A return key the simulator has no value for: it must come back empty, not 0.
        '-k', 'PregnancyStatus',
        '-k', `${sps}.ScheduledStationAETitle=STATION002`,
        '-k', `${sps}.Modality=CT`,
        '-k', `${sps}.ScheduledProcedureStepStartDate=${localDicomDate(new Date())}`,
        '-k', `${sps}.ScheduledProcedureStepStartTime`,
        simulator.host, String(simulator.port),
      ],
      { env: dcmtkEnv },
    );
    const output = result.stdout + result.stderr;
    expect(output.match(/Find Response: \d+ \(Pending\)/g)).toHaveLength(STEPS_PER_STATION);
    expect(output).toMatch(/Received Final Find Response \(Success\)/);
    expect(output).toMatch(/PACSLOAD\^SYNTH\^/);
    expect(output).toMatch(/STATION002/);
    expect(output).not.toMatch(/\(0010,21c0\) US 0/);
  });
});

const hasWlmscpfs = ['/usr/bin/wlmscpfs', '/usr/bin/dump2dcm'].every((path) => existsSync(path));

/**
 * Our SCU against DCMTK's worklist SCP (docs/architecture.md section 9): the synthetic
 * worklist is written as `.wl` files and `mwl.find` must count the station's items.
 */
describe.skipIf(skipWithoutPeer(hasWlmscpfs))('dimse.echo and mwl.find against DCMTK wlmscpfs', () => {
  const aeTitle = 'PACSLOAD-WL';
  const stations = 2;
  const stepsPerStation = 3;
  let folder: string;
  let port: number;
  let scp: ChildProcess;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pacs-load-wl-'));
    const aeFolder = join(folder, aeTitle);
    await mkdir(aeFolder);
    // wlmscpfs serves a folder only if it holds a file named lockfile.
    await writeFile(join(aeFolder, 'lockfile'), '');
    const worklist = buildWorklist({ stations, stepsPerStation, date: localDicomDate(new Date()), seed: 11, modality: 'CT' });
    for (const [index, item] of worklist.entries()) {
      const dumpPath = join(folder, `${index}.dump`);
      await writeFile(dumpPath, worklistDump(item));
      await run('dump2dcm', [dumpPath, join(aeFolder, `${index}.wl`)]);
    }
    port = await freePort();
    scp = spawn('wlmscpfs', ['-s', '-dfp', folder, String(port)], { env: dcmtkEnv, stdio: 'ignore' });
    await waitUntilListening(port, 'wlmscpfs');
  });

  afterAll(async () => {
    await stopProcess(scp);
    await rm(folder, { recursive: true, force: true });
  });

  const target = (): DimseTarget => ({
    host: '127.0.0.1',
    port,
    calledAe: aeTitle,
    callingAe: 'PACSLOAD-TEST',
    connectTimeoutUs: 5_000_000,
    operationTimeoutUs: 10_000_000,
  });

  it('dimse.echo succeeds', async () => {
    const result = await createDimseEcho(operationSetup(target())).run(iteration(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
  });

  it('mwl.find counts the station\'s FF01 pending items', async () => {
    const find = createMwlFind(operationSetup(target(), { stations, expectItems: stepsPerStation }));
    for (const index of [0, 1]) {
      const result = await find.run(iteration(index));
      expect(result.outcome).toEqual({ kind: 'ok' });
    }
  });

  it('collects FF01 pending responses and the final one', async () => {
    // StudyDescription is not in wlmscpfs's key list, so it answers FF01 ("optional keys not supported").
    const identifier = {
      ...mwlQueryIdentifier({ station: 'STATION002', modality: 'CT', date: localDicomDate(new Date()) }),
      StudyDescription: '',
    };
    const result = await runAssociation({ ...target(), requests: [createWorklistFindRequest(identifier)] });
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.responses.map((response) => response.status)).toEqual([0xff01, 0xff01, 0xff01, 0x0000]);
    const ids = result.responses.flatMap((response) => {
      const id = response.dataset?.getElements()['PatientID'];
      return typeof id === 'string' ? [id] : [];
    });
    expect(ids.sort()).toEqual(['PLSYN-000004', 'PLSYN-000005', 'PLSYN-000006']);
  });
});

/** A DCMTK dump (dump2dcm input) of one worklist item; tags in ascending order. */
function worklistDump(item: WorklistItem): string {
  const [step] = item.ScheduledProcedureStepSequence;
  return [
    `(0008,0050) SH [${item.AccessionNumber}]`,
    `(0008,0080) LO [${item.InstitutionName}]`,
    `(0010,0010) PN [${item.PatientName}]`,
    `(0010,0020) LO [${item.PatientID}]`,
    `(0010,0030) DA [${item.PatientBirthDate}]`,
    `(0010,0040) CS [${item.PatientSex}]`,
    `(0020,000d) UI [${item.StudyInstanceUID}]`,
    `(0032,1060) LO [${item.RequestedProcedureDescription}]`,
    '(0040,0100) SQ (Sequence with undefined length)',
    '(fffe,e000) na (Item with undefined length)',
    `(0008,0060) CS [${step.Modality}]`,
    `(0040,0001) AE [${step.ScheduledStationAETitle}]`,
    `(0040,0002) DA [${step.ScheduledProcedureStepStartDate}]`,
    `(0040,0003) TM [${step.ScheduledProcedureStepStartTime}]`,
    `(0040,0007) LO [${step.ScheduledProcedureStepDescription}]`,
    `(0040,0009) SH [${step.ScheduledProcedureStepID}]`,
    '(fffe,e00d) na (ItemDelimitationItem)',
    '(fffe,e0dd) na (SequenceDelimitationItem)',
    `(0040,1001) SH [${item.RequestedProcedureID}]`,
    '',
  ].join('\n');
}
