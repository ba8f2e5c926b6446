/**
 * A whole run through the library API (real worker threads, built worker in
 * dist/: run `npm run build` first when running vitest alone) against a
 * simulator that demands a bearer token and answers some requests 503 and 429:
 * the failures are classified and counted per operation, the run goes on, and
 * the token appears in no output: not in the summary JSON, not in any console line.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { createOperation } from '../../../src/operations/index.js';
import { createConsoleOutput } from '../../../src/outputs/console-output.js';
import { createSummaryJsonOutput } from '../../../src/outputs/summary-json-output.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStudies } from '../../../src/synth/studies.js';
import { WORKER_PATH } from '../../helpers/cli.js';

/** A token that cannot appear by accident in any output. */
const TOKEN = 'plTok3n-7f3a9c2e51d84b06a1e9-DO-NOT-PRINT';
const TOKEN_ENV = 'PACSLOAD_TEST_BEARER_TOKEN';

let sim: RunningDicomwebSimulator;
let directory: string;
let summary: RunSummary;
let summaryText: string;
let consoleText: string;

function todayDa(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  sim = await startDicomwebSimulator({
    studies: buildStudies({ count: 20, seed: 4, date: todayDa() }),
    faults: new FaultInjector({ ...NO_FAULTS, errorRate: 0.15, throttleRate: 0.15 }),
    requiredAuthorization: `Bearer ${TOKEN}`,
  });
  directory = await mkdtemp(join(tmpdir(), 'pacs-load-token-'));
  const profile = parseProfileText(
    `
name: token-never-printed
preflight: false
target:
  dicomweb: { baseUrl: ${sim.baseUrl}, auth: { bearerEnv: ${TOKEN_ENV} } }
scenarios:
  series:
    operation: qido.series
    executor: constant-arrival-rate
    rate: 100/s
    duration: 2s
  frames:
    operation: wado.frames
    executor: constant-arrival-rate
    rate: 100/s
    duration: 2s
  sends:
    operation: stow.study
    executor: constant-arrival-rate
    rate: 10/s
    duration: 2s
    images: 2
    imageSize: 8KiB
`,
    'token.yaml',
  );
  const lines: string[] = [];
  const summaryPath = join(directory, 'summary.json');
  const result = await runLoad({
    profile,
    workers: 2,
    outputs: [createConsoleOutput({ write: (text) => lines.push(text), quiet: false, color: false }), createSummaryJsonOutput({ path: summaryPath })],
    env: { [TOKEN_ENV]: TOKEN },
    workerFilename: WORKER_PATH,
  });
  summary = result.summary;
  summaryText = await readFile(summaryPath, 'utf8');
  consoleText = lines.join('');
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('a DICOMweb run with a bearer token and 503/429 faults', () => {
  it('is answered 401 without the token, classified as http_401', async () => {
    const setup = {
      target: { dimse: undefined, dicomweb: { baseUrl: sim.baseUrl, connections: 1, operationTimeoutUs: 5_000_000, auth: undefined } },
      params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
      workerIndex: 0,
      workerCount: 1,
      seed: 1,
      env: {},
    };
    const operation = createOperation('qido.series', setup);
    try {
      const result = await operation.run({ iteration: 0, signal: new AbortController().signal });
      expect(result.outcome).toEqual({ kind: 'http-status', status: 401, reason: '401 Unauthorized' });
      expect(outcomeKey(result.outcome)).toBe('http_401');
    } finally {
      await operation.close();
    }
  });

  it('sends the token (the simulator would answer 401 without it) and succeeds mostly', () => {
    for (const operation of summary.operations) {
      expect(operation.outcomes.http_401 ?? 0, operation.operation).toBe(0);
      expect(operation.succeeded, operation.operation).toBeGreaterThan(0);
    }
  });

  it('classifies and counts 503 as http_503 and 429 as http_429, and the run goes on', () => {
    expect(summary.operations.map((operation) => operation.operation).sort()).toEqual(['qido.series', 'stow.study', 'wado.frames']);
    for (const operation of summary.operations.filter((one) => one.operation !== 'stow.study')) {
      expect(operation.completed + operation.dropped).toBe(200);
      expect(operation.outcomes.http_503 ?? 0, operation.operation).toBeGreaterThan(0);
      expect(operation.outcomes.http_429 ?? 0, operation.operation).toBeGreaterThan(0);
      expect(operation.failed).toBe(Object.entries(operation.outcomes).filter(([key]) => key !== 'ok').reduce((sum, [, count]) => sum + count, 0));
    }
  });

  it('writes the token nowhere: not in the summary JSON, not in the console output', () => {
    expect(summaryText.length).toBeGreaterThan(1_000);
    expect(consoleText).toContain('wado.frames');
    for (const text of [summaryText, consoleText]) {
      expect(text.includes(TOKEN)).toBe(false);
      expect(text.includes(TOKEN.slice(0, 16))).toBe(false);
      expect(text.includes(Buffer.from(TOKEN).toString('base64').slice(0, 16))).toBe(false);
    }
    // The variable's name may be shown (it is not a secret); its value never.
    expect(JSON.stringify(summary).includes(TOKEN)).toBe(false);
  });
});
