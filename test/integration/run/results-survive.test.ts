/**
 * Results survive (issue 10, item 2):
 * - a worker thread that dies mid-run ends the run early with a summary of
 *   everything measured, `endReason: 'worker-failed'` and the error named, and
 *   the CLI exits 1 after writing its outputs;
 * - `--out` is rewritten as a checkpoint every 10 s of run time, so a process
 *   killed with SIGKILL leaves a valid summary up to the last checkpoint.
 * Uses the built worker and CLI (`npm run build` first).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { readSummaryFile } from '../../../src/report/read-summary.js';
import { REPO_ROOT, runCli, startCli, tempDir, writeProfile } from '../../helpers/cli.js';

const CRASHING_WORKER = join(REPO_ROOT, 'test/fixtures/crashing-worker.mjs');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('results survive', () => {
  it('a worker that dies mid-run ends the run with a partial summary naming the failure', async () => {
    const profile = parseProfileText(
      'name: crash\nscenarios:\n  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 40/s, duration: 6s }\n',
      'crash.yaml',
    );
    const started = Date.now();
    const result = await runLoad({ profile, workers: 2, outputs: [], env: {}, workerFilename: CRASHING_WORKER });
    // Ended early: not the 6 s the profile asks for.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.summary.run.endReason).toBe('worker-failed');
    expect(result.summary.workerFailure).toMatchObject({ workerIndex: 1, code: 'ERR_WORKER_FAILED' });
    expect(result.summary.workerFailure?.message).toContain('simulated crash of worker 1');
    expect(result.workerError?.code).toBe('ERR_WORKER_FAILED');
    // What both workers measured before the crash is there: about 1.5 s at 40/s, and worker 0 until the stop.
    const qido = result.summary.operations[0];
    expect(qido?.completed).toBeGreaterThan(20);
    expect(qido?.completed).toBeLessThan(240);
  }, 60_000);

  it('an unwritable --out path fails before any load, naming the path (exit 2)', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const file = await writeProfile(dir.path, 'p.yaml', 'name: p\nscenarios:\n  e: { operation: dimse.echo, executor: iterations, iterations: 1 }\n');
    // A path below a regular file can never be created.
    const out = join(file, 'summary.json');
    const result = await runCli(['run', file, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot write the summary JSON to ${out}`);
    expect(result.stderr).toContain('--out');
    // Nothing ran: no end-of-run report.
    expect(result.stdout).not.toContain('thresholds:');
  }, 60_000);

  it('--out is a valid summary while the run goes on, and survives SIGKILL', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const file = await writeProfile(
      dir.path,
      'long.yaml',
      'name: long\nscenarios:\n  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 60s }\n',
    );
    const out = join(dir.path, 'summary.json');
    const cli = startCli(['run', file, '--workers', '1', '--quiet', '--out', out]);
    cleanups.push(async () => {
      cli.kill('SIGKILL');
      await cli.result;
    });
    // The first checkpoint comes after 10 s of run time (plus start-up).
    const deadline = Date.now() + 45_000;
    let text: string | undefined;
    while (Date.now() < deadline) {
      text = await readFile(out, 'utf8').catch(() => undefined);
      if (text !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(text, 'no checkpoint written').toBeDefined();
    cli.kill('SIGKILL');
    await cli.result;
    const summary = await readSummaryFile(out);
    expect(summary.run.endReason).toBe('running');
    expect(summary.operations[0]?.completed).toBeGreaterThanOrEqual(150);
    expect(summary.intervals.length).toBeGreaterThanOrEqual(9);
  }, 90_000);
});
