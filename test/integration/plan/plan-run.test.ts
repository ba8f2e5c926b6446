/**
 * The profile `pacs-load plan --write-profile` writes reproduces the planned
 * rates (issue 7): run time-compressed against the embedded simulator, every
 * scenario completes its planned number of operations without errors.
 * Uses the built CLI and worker: run `npm run build` first.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityPlan } from '../../../src/plan/index.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import { executorLengthUs, runOnSimulator, scaleProfile } from '../../helpers/scale-profile.js';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

describe('pacs-load plan (built CLI)', () => {
  it('prints the table with its assumptions, and exits 3 without studies per day', async () => {
    const table = await runCli(['plan', '--studies-per-day', '500']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('peak rates per operation');
    expect(table.stdout).toContain('mwl.find');
    expect(table.stdout).toMatch(/Mbit\/s/);
    expect(table.stdout).toContain('docs/architecture.md section 6');
    const missing = await runCli(['plan']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('studiesPerDay');
  });

  it('writes a profile whose time-compressed run reproduces the planned rates within 1%', async () => {
    const input = join(dir.path, 'plan.yaml');
    const profilePath = join(dir.path, 'peak.yaml');
    // CR studies (20 MB) keep the sends small; 30 s of peak is compressed into 6 s (x 5):
    // modest rates, so a busy CI machine keeps up.
    await writeInput(input, ['studiesPerDay: 400', 'modalityMix: { CR: 1 }', 'modalities: 20', 'worklistPollInterval: 15s', 'readers: 2', 'readsPerReaderHour: 20', 'referringViewsPerDay: 1000', 'profileDuration: 30s']);
    const result = await runCli(['plan', '--input', input, '--format', 'json', '--write-profile', profilePath]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as CapacityPlan;

    const writtenText = await readFile(profilePath, 'utf8');
    // Issue 16, item 6: the profile names its JSON Schema for editors, and still validates.
    expect(writtenText).toMatch(/^# yaml-language-server: \$schema=\.\/pacs-load\.schema\.json\n/);
    expect(writtenText).toMatch(/^\$schema: \.\/pacs-load\.schema\.json$/m);
    const written = parseProfileText(writtenText, profilePath);
    const durationUs = 6_000_000;
    const timeFactor = durationUs / 30_000_000;
    const { profile } = scaleProfile(written, { durationUs, rateFactor: 1 / timeFactor, gracefulStopUs: 10_000_000 });
    const summary = await runOnSimulator(profile);

    expect(summary.run.endReason).toBe('completed');
    for (const row of plan.operations) {
      const scenario = profile.scenarios.find((candidate) => candidate.name === row.scenario);
      if (scenario === undefined) throw new Error(`scenario ${row.scenario} missing from the written profile`);
      const measured = summary.operations.find((operation) => operation.scenario === row.scenario);
      // The planned count over the uncompressed 30 s: rate x 30 s.
      const plannedCount = row.ratePerSec * 30;
      expect(measured?.failed, `${row.scenario} failed: ${JSON.stringify(measured?.outcomes)}`).toBe(0);
      expect(measured?.dropped, row.scenario).toBe(0);
      // The open model starts ceil(rate x duration) operations: within 1%, or
      // within the one arrival that ceil adds where the count is small.
      const completed = measured?.completed ?? 0;
      expect(Math.abs(completed - plannedCount), `${row.scenario}: ${completed} vs ${plannedCount}`).toBeLessThanOrEqual(Math.max(1, plannedCount * 0.01));
      expect(executorLengthUs(scenario.executor)).toBe(durationUs);
    }
    const mwl = summary.operations.find((operation) => operation.operation === 'mwl.find');
    // 20 modalities / 15 s x 1.5 = 2/s for 30 s = 60 queries.
    expect(mwl?.completed).toBe(60);
  }, 60_000);
});

async function writeInput(path: string, lines: string[]): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, `${lines.join('\n')}\n`);
}
