/**
 * dimse.store and the synthetic templates against DCMTK (docs/architecture.md section 9):
 * DCMTK's storescp receives our studies and dcmdump reads what it wrote (so the
 * encoding is valid DICOM, both transfer syntaxes, multi-frame included), and
 * DCMTK's storescu sends our Part 10 files to the simulator's Storage SCP.
 * Skipped when DCMTK is not installed (scripts/install-peers.sh installs it).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dimseTarget, iteration, operationSetup, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import type { OperationParams } from '../../../src/profile/types.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { instanceValues, storeStudyIdentity } from '../../../src/synth/store-study.js';
import { buildStudyTemplate, instanceFileChunks } from '../../../src/synth/study-template.js';
import { stopProcess } from '../../helpers/peer-process.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort } from '../../helpers/ports.js';
import { fixedSend } from '../../../src/synth/identity.js';

const run = promisify(execFile);
const hasDcmtk = ['/usr/bin/storescp', '/usr/bin/storescu', '/usr/bin/dcmdump'].every((path) => existsSync(path));
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

let storescp: ChildProcess | undefined;
let running: TestSimulator | undefined;
const folders: string[] = [];

afterEach(async () => {
  if (storescp !== undefined) await stopProcess(storescp);
  storescp = undefined;
  await running?.simulator.close();
  running = undefined;
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-store-'));
  folders.push(folder);
  return folder;
}

/** Starts storescp writing into `folder`; resolves once it accepts associations. */
async function startStorescp(folder: string, extraArgs: string[] = []): Promise<number> {
  const port = await freePort();
  storescp = spawn('storescp', ['-aet', 'STORESCP', '-od', folder, ...extraArgs, String(port)], { env: dcmtkEnv, stdio: 'ignore' });
  // Ready when an echo succeeds.
  for (let attempt = 0; attempt < 50; attempt++) {
    const ok = await run('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(port)], { env: dcmtkEnv }).then(() => true, () => false);
    if (ok) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('storescp did not start');
}

describe.skipIf(skipWithoutPeer(hasDcmtk))('dimse.store and DCMTK', () => {
  it.each([
    ['CT', 'explicit-little-endian', 'LittleEndianExplicit'],
    ['MR', 'implicit-little-endian', 'LittleEndianImplicit'],
    ['US', 'explicit-little-endian', 'LittleEndianExplicit'],
  ] as const)('storescp receives a valid %s study in %s', async (modality, transferSyntax, dcmtkName) => {
    const folder = await tempFolder();
    const port = await startStorescp(folder);
    const params: Partial<OperationParams> = { modality, images: 3, imageSizeBytes: 30_000, transferSyntax };
    const operation = createDimseStore(operationSetup(dimseTarget({ host: '127.0.0.1', port, aeTitle: 'STORESCP' }), params));
    const result = await operation.run(iteration(11));
    expect(result.outcome).toEqual({ kind: 'ok' });
    const files = await readdir(folder);
    expect(files).toHaveLength(3);
    const dump = await run('dcmdump', ['+P', '0002,0010', '+P', '0008,0060', '+P', '0008,0080', '+P', '0010,0010', '+P', '0028,0008', '+P', '7fe0,0010', join(folder, files[0] ?? '')]);
    expect(dump.stdout).toContain(`=${dcmtkName}`);
    expect(dump.stdout).toContain(`[${modality}]`);
    expect(dump.stdout).toContain('[SYNTHETIC LOAD-TEST DATA]');
    expect(dump.stdout).toMatch(/\[PACSLOAD\^SYNTH\^S\d{8}\]/);
    if (modality === 'US') expect(dump.stdout).toContain('[10]');
    expect(dump.stderr).not.toMatch(/error/i);
  });

  it('storescu sends our Part 10 files to the simulator, which indexes them', async () => {
    running = await startTestSimulator();
    const folder = await tempFolder();
    const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 4, imageSizeBytes: 8192, seed: 3 });
    const study = storeStudyIdentity(fixedSend(3, 'dimse.store', 0), new Date());
    for (let index = 0; index < 4; index++) {
      await writeFile(join(folder, `${index}.dcm`), Buffer.concat(instanceFileChunks(template, instanceValues(study, index, 4, 2))));
    }
    const { simulator } = running;
    await run('storescu', ['-aet', 'PACSLOAD-TEST', '-aec', simulator.aeTitle, '+sd', simulator.host, String(simulator.port), folder], { env: dcmtkEnv });
    const stored = simulator.storeIndex.study(study.studyInstanceUid);
    expect(stored?.instances).toBe(4);
    expect(stored?.series).toHaveLength(2);
  });
});
