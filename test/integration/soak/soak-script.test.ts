/**
 * The soak script (bench/soak.ts, issue 10 item 6), shortened to 20 seconds:
 * it runs the built `pacs-load simulate` and `pacs-load run` as two processes,
 * samples both, and reports whether anything was lost. Faults are set higher
 * than the soak's defaults so that each side certainly injects some in 20 s.
 * Memory and fd growth are not judged in so short a run (the report says so);
 * the samples must be there. Uses the built code: run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';
import type { SoakReport } from '../../../bench/soak.js';

const SOAK_PATH = join(REPO_ROOT, 'dist/bench/soak.js');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSoak(args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, [SOAK_PATH, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('bench/soak.ts, 20 s against pacs-load simulate with periodic faults', () => {
  let resultsDir = '';
  let finished: Finished;
  let report: SoakReport;

  beforeAll(async () => {
    resultsDir = await mkdtemp(join(tmpdir(), 'pacs-load-soak-test-'));
    finished = await runSoak([
      '--duration', '20s',
      '--sample-every', '2s',
      '--start-lead', '30s',
      '--stall-at', '5s',
      '--stall-for', '1s',
      '--stall-every', '8s',
      '--error-rate', '2%',
      '--faults', 'abort=2%,reset=2%,http503=2%,http500=2%',
      '--results-dir', resultsDir,
    ]);
    report = JSON.parse(await readFile(join(resultsDir, 'soak.json'), 'utf8')) as SoakReport;
  }, 150_000);

  afterAll(async () => {
    await rm(resultsDir, { recursive: true, force: true });
  });

  it('ends with exit 0 and writes the markdown report', async () => {
    expect(finished.code, finished.stderr).toBe(0);
    const markdown = await readFile(join(resultsDir, 'soak.md'), 'utf8');
    expect(markdown).toContain('## Nothing lost');
    expect(markdown).toContain('| mwl.find: operations = C-FIND requests received |');
    expect(finished.stdout).toContain('## Verdicts');
  });

  it('compares every count with the simulator, and each comparison passes', () => {
    const names = report.counts.map((check) => check.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'mwl.find: operations = C-FIND requests received',
        'mpps.inProgress: operations = N-CREATE requests received',
        'dimse.store: images answered = C-STORE requests received',
        'DICOMweb: requests = HTTP requests received',
        'DIMSE: failed operations = faults injected',
        'DICOMweb: http_503 outcomes = 503 answers injected',
      ]),
    );
    for (const check of report.counts) {
      expect(check.passed, `${check.name}: run ${check.run}, simulator ${check.simulator}, slack ${check.slack}`).toBe(true);
    }
    // Not vacuous: load went through and faults were injected on both sides.
    expect(report.counts.find((check) => check.name.startsWith('mwl.find'))!.run).toBeGreaterThan(100);
    const dimseInjected = Object.values(report.injected.dimse).reduce((sum, count) => sum + count, 0) + report.injected.dimseErrorRate;
    const httpInjected = Object.values(report.injected.dicomweb).reduce((sum, count) => sum + count, 0) + report.injected.dicomwebErrorRate;
    expect(dimseInjected).toBeGreaterThan(0);
    expect(httpInjected).toBeGreaterThan(0);
    expect(report.verdicts.nothingLost).toBe('pass');
    expect(report.verdicts.overall).toBe('pass');
  });

  it('samples memory and file descriptors of both processes', () => {
    for (const process of ['run', 'simulator'] as const) {
      const samples = report.samples[process];
      expect(samples.length).toBeGreaterThanOrEqual(5);
      for (const sample of samples) {
        expect(sample.rssKiB).toBeGreaterThan(10_000);
        expect(sample.hwmKiB).toBeGreaterThanOrEqual(sample.rssKiB);
        expect(sample.fds).toBeGreaterThan(3);
      }
      const figures = report.resources[process];
      expect(figures.rssPeakMiB).toBeGreaterThanOrEqual(figures.rssEndMiB);
      expect(Number.isFinite(figures.rssSlopeMiBPer10Min)).toBe(true);
      // 20 s is too short to judge (bench/soak-resources.ts): the report says so rather than guess.
      expect(figures.memoryVerdict).toBe('not-judged');
      expect(figures.fdVerdict).toBe('not-judged');
    }
  });
});
