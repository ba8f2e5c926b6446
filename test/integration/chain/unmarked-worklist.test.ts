/**
 * Issue 10, item 5: pacs-load refuses to send data it did not make. A DIMSE
 * target (the simulator's SCP started here, so to the tool a real target)
 * whose worklist holds patients without the synthetic marking: the run stops
 * in preflight (exit 2, ERR_UNMARKED_DATA, the flag named) before anything is
 * sent; with --allow-unmarked-data the chain sends; a marked worklist is never
 * refused; and the chain itself refuses an unmarked item during a run.
 * The CLI tests use the built code (`npm run build` first).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createChain } from '../../../src/operations/chain.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import type { StepReport } from '../../../src/operations/types.js';
import { startDimseSimulator, type RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist, type WorklistItem } from '../../../src/synth/worklist.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hospital's patients, as a real worklist would hold them (invented, and unmarked). */
function unmarked(item: WorklistItem, index: number): WorklistItem {
  return { ...item, PatientName: `DOE^JANE^${index}`, PatientID: `MRN${String(4711 + index)}`, InstitutionName: 'ST ELSEWHERE HOSPITAL' };
}

async function startTarget(marked: boolean): Promise<RunningDimseSimulator> {
  const synthetic = buildWorklist({ stations: 2, stepsPerStation: 2, date: localDicomDate(new Date()), seed: 9, modality: 'CT' });
  const faults = new FaultInjector({ ...NO_FAULTS });
  const scp = await startDimseSimulator({ worklist: marked ? synthetic : synthetic.map(unmarked), faults });
  faults.start();
  cleanups.push(() => scp.close());
  return scp;
}

async function chainProfile(scp: RunningDimseSimulator): Promise<{ file: string; dir: string }> {
  const dir = await tempDir();
  cleanups.push(dir.cleanup);
  const file = await writeProfile(
    dir.path,
    'chain.yaml',
    `name: unmarked-chain
target:
  dimse: { host: 127.0.0.1, port: ${scp.port}, calledAe: ${scp.aeTitle}, callingAe: PACSLOAD }
scenarios:
  modality:
    operation: chain
    executor: constant-arrival-rate
    rate: 4/s
    duration: 1s
    stations: 2
    modality: CT
    images: 1
    imageSize: 16KiB
`,
  );
  return { file, dir: dir.path };
}

interface SummaryFile {
  operations: Array<{ operation: string; outcomes: Record<string, number> }>;
}

describe('a chain against a worklist of unmarked patients', () => {
  it('is refused in preflight with exit 2, the flag named, no patient value shown and nothing sent', async () => {
    const scp = await startTarget(false);
    const { file } = await chainProfile(scp);
    const result = await runCli(['run', file, '-w', '1', '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[ERR_UNMARKED_DATA]');
    expect(result.stderr).toContain('4 of 4 CT worklist items');
    expect(result.stderr).toContain('patient ID does not start with PLSYN-');
    expect(result.stderr).toContain('--allow-unmarked-data');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout + result.stderr).not.toMatch(/DOE|MRN47|ELSEWHERE/);
    expect(scp.mpps.stats().creates).toBe(0);
    expect(scp.stats().storeRequests).toBe(0);
  });

  it('with --allow-unmarked-data, the chain sends MPPS and the study for those items', async () => {
    const scp = await startTarget(false);
    const { file, dir } = await chainProfile(scp);
    const out = join(dir, 'summary.json');
    const result = await runCli(['run', file, '-w', '1', '--quiet', '--allow-unmarked-data', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(scp.mpps.stats().creates).toBe(4);
    expect(scp.stats().storeRequests).toBe(4);
    const summary = JSON.parse(await readFile(out, 'utf8')) as SummaryFile;
    expect(summary.operations.find((operation) => operation.operation === 'chain')?.outcomes).toEqual({ ok: 4 });
  });

  it('a marked worklist is never refused', async () => {
    const scp = await startTarget(true);
    const { file, dir } = await chainProfile(scp);
    const out = join(dir, 'summary.json');
    const result = await runCli(['run', file, '-w', '1', '--quiet', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(await readFile(out, 'utf8')) as SummaryFile;
    for (const operation of summary.operations) expect(operation.outcomes, operation.operation).toEqual({ ok: 4 });
    expect(scp.stats().storeRequests).toBe(4);
  });
});

describe('the chain itself, during a run', () => {
  const setup = (scp: RunningDimseSimulator, allowUnmarkedData?: boolean) => ({
    target: {
      dimse: { host: scp.host, port: scp.port, calledAe: scp.aeTitle, callingAe: 'PACSLOAD-TEST', connectTimeoutUs: 5_000_000, operationTimeoutUs: 10_000_000 },
      dicomweb: undefined,
    },
    params: { stations: 2, modality: 'CT', expectItems: undefined, limit: undefined, images: 1, imageSizeBytes: 16_384 },
    workerIndex: 0,
    workerCount: 1,
    seed: 3,
    env: {},
    ...(allowUnmarkedData === undefined ? {} : { allowUnmarkedData }),
  });

  it('refuses an unmarked item as refused_unmarked with the reason, and sends nothing for it', async () => {
    const scp = await startTarget(false);
    const chain = createChain(setup(scp));
    const steps: StepReport[] = [];
    const result = await chain.run({ iteration: 0, signal: new AbortController().signal, onStep: (step) => steps.push(step) });
    await chain.close();
    expect(outcomeKey(result.outcome)).toBe('refused_unmarked');
    const reason = result.outcome.kind === 'refused-unmarked' ? result.outcome.reason : '';
    expect(reason).toContain('lacks the synthetic marking');
    expect(reason).toContain('--allow-unmarked-data');
    expect(reason).not.toMatch(/DOE|MRN/);
    expect(steps.map((step) => step.operation)).toEqual(['mwl.find']);
    expect(scp.mpps.stats().creates).toBe(0);
    expect(scp.stats().storeRequests).toBe(0);
  });

  it('sends it when allowed', async () => {
    const scp = await startTarget(false);
    const chain = createChain(setup(scp, true));
    const result = await chain.run({ iteration: 0, signal: new AbortController().signal });
    await chain.close();
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(scp.mpps.stats().creates).toBe(1);
    expect(scp.stats().storeRequests).toBe(1);
  });
});
