/**
 * SIGINT and SIGTERM at any moment of a run write a summary (issue 10, item 2):
 * during start-up, before time zero; in the middle of the load; and a second
 * signal during the graceful stop, which cuts the operations in flight off at
 * once but still counts them and writes every output. (During the first
 * moment of the process, while Node.js loads the modules, there is nothing yet
 * to write and the default action applies.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { startCli, tempDir, writeProfile } from '../../helpers/cli.js';

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

function completed(summary: RunSummary): number {
  return summary.operations.reduce((sum, operation) => sum + operation.completed, 0);
}

describe('signals during a run', () => {
  it('SIGTERM during start-up stops before time zero: no load, a summary, exit 130', async () => {
    const out = join(dir.path, 'startup.json');
    const profile = await writeProfile(
      dir.path,
      'startup.yaml',
      ['name: startup', 'scenarios:', '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 10/s, duration: 60s }'].join('\n'),
    );
    const startedMs = Date.now();
    const run = startCli(['run', profile, '--workers', '1', '--out', out]);
    // The header is printed before the simulator and the workers start.
    await run.waitForOutput('scenarios');
    run.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    const summary = await readSummary(out);
    expect(summary.run.endReason).toBe('interrupted');
    expect(completed(summary)).toBe(0);
    expect(result.stdout).not.toContain('[   1s]');
    // Generous: the 60 s profile did not run.
    expect(Date.now() - startedMs).toBeLessThan(45_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run writes the summary of what ran and exits 130', async (signal) => {
    const out = join(dir.path, `mid-run-${signal}.json`);
    const profile = await writeProfile(
      dir.path,
      `mid-run-${signal}.yaml`,
      ['name: mid-run', 'scenarios:', '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 10/s, duration: 60s }'].join('\n'),
    );
    const run = startCli(['run', profile, '--workers', '1', '--out', out]);
    await run.waitForOutput('[   2s]');
    run.kill(signal);
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    const summary = await readSummary(out);
    expect(summary.run.endReason).toBe('interrupted');
    expect(completed(summary)).toBeGreaterThanOrEqual(10);
    expect(completed(summary)).toBeLessThan(600);
    expect(result.stdout).toContain('run interrupted');
  });

  it('a second SIGINT during the graceful stop cuts in-flight operations off, counts them and still writes the summary', async () => {
    const out = join(dir.path, 'second.json');
    // Every answer takes 5 s and the graceful stop allows 60 s: only the second signal ends this quickly.
    const profile = await writeProfile(
      dir.path,
      'second.yaml',
      [
        'name: second',
        'simulator: { latency: 5s }',
        'scenarios:',
        '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 30s, gracefulStop: 60s }',
      ].join('\n'),
    );
    const run = startCli(['run', profile, '--workers', '1', '--out', out]);
    await run.waitForOutput('[   2s]');
    run.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const secondSignalMs = Date.now();
    run.kill('SIGINT');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    expect(Date.now() - secondSignalMs).toBeLessThan(15_000);
    expect(result.stderr).toContain('stopping now');
    const summary = await readSummary(out);
    expect(summary.run.endReason).toBe('interrupted');
    // Nothing had been answered: every operation that started was cut off, and each is counted.
    const echo = summary.operations.find((operation) => operation.operation === 'dimse.echo');
    expect(echo?.completed).toBeGreaterThanOrEqual(20);
    expect(echo?.outcomes['ok'] ?? 0).toBe(0);
    expect(result.stdout).toContain('errors by class');
  });
});
