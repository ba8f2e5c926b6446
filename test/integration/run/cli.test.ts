/**
 * The built CLI end to end: exit codes (docs/architecture.md section 8), the summary file,
 * and the quickstart a newcomer runs first (interrupts: signals.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { createOperation } from '../../../src/operations/index.js';
import { runCli, startCli, tempDir, writeProfile } from '../../helpers/cli.js';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

async function readSummary(path: string): Promise<RunSummary> {
  return JSON.parse(await readFile(path, 'utf8')) as RunSummary;
}

/** A port that nothing listens on: bind port 0, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('pacs-load run (built CLI)', () => {
  it('runs the quickstart profile end to end and writes a summary', async () => {
    const out = join(dir.path, 'quickstart.json');
    const result = await runCli(['run', 'profiles/quickstart.yaml', '--workers', '2', '--quiet', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('per operation');
    expect(result.stdout).toMatch(/thresholds: \d+ passed, 0 failed/);
    const summary = await readSummary(out);
    expect(summary.schema).toBe('pacs-load/summary');
    expect(summary.run.endReason).toBe('completed');
    const byOperation = new Map(summary.operations.map((operation) => [operation.operation, operation]));
    // 20/s and 10/s for 15 s: the open model starts exactly the planned count.
    expect(byOperation.get('dimse.echo')?.completed).toBe(300);
    expect(byOperation.get('mwl.find')?.completed).toBe(150);
    expect(byOperation.get('mwl.find')?.outcomes).toEqual({ ok: 150 });
    expect(byOperation.get('qido.studies')?.completed).toBeGreaterThan(0);
    for (const operation of summary.operations) {
      expect(operation.failed).toBe(0);
      expect(operation.histograms.response).toBeTypeOf('string');
    }
  });

  it('exits 3 and lists every problem of a bad profile with its path, without a stack trace', async () => {
    const profile = await writeProfile(
      dir.path,
      'bad.yaml',
      [
        'name: bad',
        'colour: blue',
        'scenarios:',
        '  a:',
        '    operation: mwl.fnd',
        '    executor: constant-arrival-rate',
        '    rate: -5/s',
        '    duration: 10 parsecs',
        '  b:',
        '    operation: dimse.echo',
        '    executor: sometimes',
      ].join('\n'),
    );
    const result = await runCli(['validate', profile]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('colour');
    expect(result.stderr).toContain('scenarios.a.operation');
    expect(result.stderr).toContain('scenarios.a.rate');
    expect(result.stderr).toContain('scenarios.a.duration');
    expect(result.stderr).toContain('scenarios.b.executor');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate prints one line per scenario', async () => {
    const result = await runCli(['validate', 'profiles/quickstart.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('echo: dimse.echo at 20/s for 15s');
    expect(result.stdout).toContain('worklist: mwl.find');
  });

  it('schema prints a JSON Schema', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(JSON.stringify(schema)).toContain('scenarios');
  });

  it('exits 4 with a hint naming host and port when the target is unreachable', async () => {
    const port = await closedPort();
    const profile = await writeProfile(
      dir.path,
      'unreachable.yaml',
      [
        'name: unreachable',
        'target:',
        `  dimse: { host: 127.0.0.1, port: ${port}, calledAe: NOBODY }`,
        'scenarios:',
        '  echo: { operation: dimse.echo, executor: iterations, iterations: 1 }',
      ].join('\n'),
    );
    const result = await runCli(['run', profile, '--workers', '1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain('ERR_TARGET_UNREACHABLE');
    expect(result.stderr).toContain('hint:');
  });

  it('exits 4 naming the DICOMweb base URL when QIDO preflight gets no answer', async () => {
    const port = await closedPort();
    const profile = await writeProfile(
      dir.path,
      'unreachable-web.yaml',
      [
        'name: unreachable-web',
        'target:',
        `  dicomweb: { baseUrl: "http://127.0.0.1:${port}/dicom-web" }`,
        'scenarios:',
        '  qido: { operation: qido.studies, executor: iterations, iterations: 1 }',
      ].join('\n'),
    );
    const result = await runCli(['run', profile, '--workers', '1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}/dicom-web`);
    expect(result.stderr).toContain('connection refused');
  });

  it('exits 99 when a threshold fails', async () => {
    const profile = await writeProfile(
      dir.path,
      'slow.yaml',
      [
        'name: slow',
        'simulator: { latency: 20ms }',
        'scenarios:',
        '  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 10/s, duration: 2s }',
        'thresholds:',
        '  qido.studies: ["p50 < 5ms"]',
      ].join('\n'),
    );
    const result = await runCli(['run', profile, '--workers', '1', '--quiet']);
    expect(result.code).toBe(99);
    expect(result.stdout).toMatch(/✗\s+qido\.studies\s+p50 < 5ms/);
  });

  it('abortOnFail stops the run early and still writes the summary', async () => {
    const out = join(dir.path, 'aborted.json');
    const profile = await writeProfile(
      dir.path,
      'abort.yaml',
      [
        'name: abort',
        'simulator: { errorRate: 50% }',
        'scenarios:',
        '  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 60s }',
        'thresholds:',
        '  qido.studies:',
        '    - { threshold: "errors < 1%", abortOnFail: true, delayAbortEval: 1s }',
      ].join('\n'),
    );
    const startedMs = Date.now();
    const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out]);
    expect(result.code).toBe(99);
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    const summary = await readSummary(out);
    expect(summary.run.endReason).toBe('threshold-abort');
    expect(summary.operations[0]?.failed).toBeGreaterThan(0);
  });
});

describe('pacs-load simulate (built CLI)', () => {
  it('prints its ports, answers C-ECHO and QIDO there, and stops on SIGINT with exit 0', async () => {
    const run = startCli(['simulate', '--stations', '2', '--steps', '3']);
    try {
      await run.waitForOutput('press Ctrl-C');
      const banner = run.output();
      const dimse = /DIMSE\s+(\S+)@127\.0\.0\.1:(\d+)/.exec(banner);
      const baseUrl = /DICOMweb\s+(http:\/\/127\.0\.0\.1:\d+\/dicom-web)/.exec(banner)?.[1];
      expect(dimse).not.toBeNull();
      expect(baseUrl).toBeDefined();
      const echo = createOperation('dimse.echo', {
        target: {
          dimse: { host: '127.0.0.1', port: Number(dimse![2]), calledAe: dimse![1]!, callingAe: 'TEST', connectTimeoutUs: 5_000_000, operationTimeoutUs: 5_000_000 },
          dicomweb: undefined,
        },
        params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
        workerIndex: 0,
        workerCount: 1,
        seed: 1,
        env: {},
      });
      const result = await echo.run({ iteration: 0, signal: AbortSignal.timeout(5_000) });
      await echo.close();
      expect(result.outcome).toEqual({ kind: 'ok' });
      const response = await fetch(`${baseUrl}/studies?limit=2`, { headers: { accept: 'application/dicom+json' } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as unknown[]).length).toBe(2);
    } finally {
      run.kill('SIGINT');
    }
    expect((await run.result).code).toBe(0);
  });
});
