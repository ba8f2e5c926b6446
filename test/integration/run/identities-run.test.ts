/**
 * Identities in a whole run on the embedded simulator (issue 14): the summary
 * says how identities were made and what was stored, and the stored counts
 * equal what the simulator holds; a scenario with `duplicateSends` re-sends
 * some studies, so the simulator holds fewer than were acknowledged and the
 * summary and `--verify` say duplicates were intended (and pass). `--identities` refuses an unknown
 * mode before any load. Uses the built code (`npm run build` first).
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { verifyPassed } from '../../../src/metrics/verify-summary.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { RunningSimulator } from '../../../src/simulator/index.js';
import { runCommand } from '../../helpers/in-process-cli.js';
import { WORKER_PATH, tempDir, writeProfile } from '../../helpers/cli.js';

const PROFILE = [
  'name: identities-run',
  'seed: 3',
  'simulator: { studies: 0 }',
  'scenarios:',
  '  ct: { operation: dimse.store, executor: iterations, iterations: 6, modality: CT, images: 2, imageSize: 4KiB }',
  '  cr: { operation: dimse.store, executor: iterations, iterations: 4, modality: CR, images: 1, imageSize: 4KiB, duplicateSends: 50 }',
  '  stow: { operation: stow.study, executor: iterations, iterations: 3, modality: MR, images: 2, imageSize: 4KiB }',
];

describe('identities in a run', () => {
  it('reports the stored instances and studies, and the duplicates a scenario intended, which --verify accepts', async () => {
    let simulator: RunningSimulator | undefined;
    const { summary } = await runLoad({
      profile: parseProfileText(PROFILE.join('\n'), 'identities-run.yaml'),
      workers: 2,
      outputs: [],
      env: {},
      workerFilename: WORKER_PATH,
      verify: true,
      onSimulatorStarted: (started) => (simulator = started),
    });
    expect(summary.identities).toMatchObject({ mode: 'unique', uidRoot: '2.25', duplicatesIntended: true });
    expect(summary.identities?.runComponent).toMatch(/^[1-9]\d{9}$/);
    const stored = summary.stored!;
    expect(stored.acknowledgedInstances).toBe(6 * 2 + 4 + 3 * 2);
    const cr = stored.scenarios.find((scenario) => scenario.scenario === 'cr')!;
    expect(cr.acknowledgedInstances).toBe(4);
    // Some CR sends re-sent an earlier CR study: fewer studies than sends, and the simulator agrees.
    expect(cr.studies).toBeLessThan(4);
    expect(simulator!.stats().store.studies).toBe(stored.studies);
    expect(simulator!.stats().store.instances).toBe(stored.acknowledgedInstances - (4 - cr.studies));
    // --verify sees the re-sent instances, and the run meant them.
    expect(summary.verify).toMatchObject({ missing: 0, extraAcknowledgements: 4 - cr.studies, duplicatesIntended: true });
    expect(summary.verify?.acknowledgedMoreThanOnce).toBeGreaterThan(0);
    expect(verifyPassed(summary.verify!)).toBe(true);
  }, 120_000);

  it('refuses an unknown --identities mode before any load, naming the modes', async () => {
    const dir = await tempDir();
    try {
      const file = await writeProfile(dir.path, 'p.yaml', PROFILE.join('\n'));
      const result = await runCommand(['run', file, '--identities', 'same', '--quiet']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--identities must be unique or fixed');
    } finally {
      await dir.cleanup();
    }
  });
});
