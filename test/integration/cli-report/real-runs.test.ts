/**
 * The after-run commands on the summary of a real run (built CLI against the
 * embedded simulator; run `npm run build` first): merged with a second
 * machine's copy of it, compared with itself, and its reports rebuilt.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

let dir: { path: string; cleanup: () => Promise<void> };
let first: string;
let second: string;
let firstSummary: RunSummary;
beforeAll(async () => {
  dir = await tempDir();
  const profile = await writeProfile(
    dir.path,
    'tiny.yaml',
    [
      'name: tiny',
      'scenarios:',
      '  echo: { operation: dimse.echo, executor: iterations, iterations: 40, users: 2, maxDuration: 30s }',
      'thresholds:',
      '  dimse.echo: ["errors < 1%", "p99 < 5s"]',
    ].join('\n'),
  );
  first = join(dir.path, 'first.json');
  const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', first]);
  if (result.code !== 0) throw new Error(`run failed (${result.code}): ${result.stderr}`);
  firstSummary = JSON.parse(await readFile(first, 'utf8')) as RunSummary;
  // A second load generator that happened to measure the same: another run id and start.
  second = join(dir.path, 'second.json');
  const startedAt = new Date(Date.parse(firstSummary.run.startedAt) + 1_000).toISOString();
  await writeFile(second, JSON.stringify({ ...firstSummary, run: { ...firstSummary.run, id: 'machine-2', startedAt } }));
}, 120_000);
afterAll(async () => {
  await dir.cleanup();
});

describe('compare, merge and report on a real run (built CLI)', () => {
  it('merges two machines: counts add up, percentiles kept, thresholds re-evaluated from the stored expressions', async () => {
    const out = join(dir.path, 'both.json');
    const result = await runCli(['merge', first, second, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const merged = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    expect(merged.operations.map((operation) => [operation.operation, operation.completed])).toEqual([['dimse.echo', 80]]);
    const [response, single] = [merged.operations[0]?.latency.response, firstSummary.operations[0]?.latency.response];
    // Every value twice: the same distribution, so the same percentiles.
    expect(response).toEqual({ ...single, count: 80 });
    expect(merged.thresholds.map((threshold) => [threshold.expression, threshold.passed])).toEqual([
      ['errors < 1%', true],
      ['p99 < 5s', true],
    ]);
  });

  it('compares a run with itself within any tolerance', async () => {
    const result = await runCli(['compare', first, second, '--max-regression', 'p50=0%,p95=0%,p99=0%,errors=0pp,rate=-0%']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verdict: within tolerance');
  });

  it('prints the console report, and writes HTML and JUnit from the summary', async () => {
    const text = await runCli(['report', first]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('per operation (latency is response time, from the intended start)');
    expect(text.stdout).toContain('thresholds: 2 passed, 0 failed');

    const html = join(dir.path, 'reports', 'report.html');
    const junit = join(dir.path, 'reports', 'junit.xml');
    const files = await runCli(['report', first, '--html', html, '--junit', junit]);
    expect(files.stderr).toBe('');
    expect(files.code).toBe(0);
    expect(files.stdout).toBe(`wrote ${html}\nwrote ${junit}\n`);
    expect(await readFile(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(junit, 'utf8')).toContain('<testsuites');
  });
});
