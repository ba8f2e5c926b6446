/**
 * Issue 16, item 7: `simulate --latency` and `--error-rate` take a profile's
 * units (`20ms`, `5%`), parsed by the profile's own parsers
 * (src/profile/units.ts); the old plain numbers (milliseconds, a fraction)
 * still work; bad units are usage errors that name the flag. The working
 * runs use the built CLI (run `npm run build` first), the refusals run in
 * process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorStatsFile } from '../../../src/cli/commands/simulate.js';
import { startCli } from '../../helpers/cli.js';
import { runCommand } from '../../helpers/in-process-cli.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pacs-load-simulate-units-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Starts simulate with `args`, times one QIDO answer, stops it; its settings, the answer's time and stderr. */
async function simulate(name: string, args: string[]): Promise<{ stats: SimulatorStatsFile; answerMs: number; stderr: string; code: number | null }> {
  const statsPath = join(directory, `${name}.json`);
  const run = startCli(['simulate', '--stats-file', statsPath, ...args]);
  let answerMs = 0;
  try {
    await run.waitForOutput('press Ctrl-C');
    const started = JSON.parse(await readFile(statsPath, 'utf8')) as SimulatorStatsFile;
    const before = performance.now();
    const response = await fetch(`${started.dicomweb.baseUrl}/studies?limit=1`, { headers: { accept: 'application/dicom+json' } });
    await response.arrayBuffer();
    answerMs = performance.now() - before;
  } finally {
    run.kill('SIGTERM');
  }
  const { code, stderr } = await run.result;
  return { stats: JSON.parse(await readFile(statsPath, 'utf8')) as SimulatorStatsFile, answerMs, stderr, code };
}

describe('pacs-load simulate: latency and error rate in a profile\'s units', () => {
  it('takes --latency 20ms --error-rate 5%', async () => {
    const { stats, answerMs, stderr, code } = await simulate('units', ['--latency', '20ms', '--error-rate', '5%']);
    expect(code).toBe(0);
    expect(stderr).not.toContain('--latency');
    expect(stats.settings.faults).toMatchObject({ latencyUs: 20_000, errorRate: 0.05 });
    // The added latency is a floor under every answer, whatever the machine's load.
    expect(answerMs).toBeGreaterThanOrEqual(20);
  });

  it('still takes the old plain numbers: milliseconds (with a note) and a fraction', async () => {
    const { stats, stderr } = await simulate('plain', ['--latency', '20', '--error-rate', '0.05']);
    expect(stats.settings.faults).toMatchObject({ latencyUs: 20_000, errorRate: 0.05 });
    expect(stderr).toContain('pacs-load simulate: --latency 20 is read as 20ms (the old form); write --latency 20ms, as a profile does\n');
  });

  it.each([
    [['--latency', '20sec'], '--latency "20sec": `20sec` has an unknown unit `sec`', 'e.g. --latency 20ms'],
    [['--latency', '-5ms'], '--latency "-5ms": `-5ms` is negative; a duration cannot be', 'e.g. --latency 20ms'],
    [['--latency', 'fast'], '--latency "fast": `fast` is not a duration', 'e.g. --latency 20ms'],
    [['--error-rate', '5'], '--error-rate "5": 5 is not a fraction from 0 to 1', 'Write a percentage, e.g. `5%`'],
    [['--error-rate', '150%'], '--error-rate "150%": `150%` is more than 100%', 'e.g. --error-rate 5%'],
    [['--error-rate', 'five'], '--error-rate "five": `five` is not a percentage', 'e.g. --error-rate 5%'],
  ])('refuses %j naming the flag', async (args, message, hint) => {
    const result = await runCommand(['simulate', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(hint);
  });
});
