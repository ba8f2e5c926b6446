/**
 * Every built-in profile in profiles/ (issue 7, item 5) validates, and runs
 * scaled down to a few seconds against the embedded simulator with no errors.
 * Rates are kept and durations shortened (so each scenario still starts at
 * least one operation); a profile with a `target` runs against the simulator
 * instead. Uses the built worker: run `npm run build` first.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfileText } from '../../../src/profile/load.js';
import type { ResolvedProfile } from '../../../src/profile/types.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { runOnSimulator, scaleProfile } from '../../helpers/scale-profile.js';

const PROFILE_DIR = join(REPO_ROOT, 'profiles');
const PROFILES = readdirSync(PROFILE_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

/** Each documents itself at the top: a comment block before `name:`. */
const DOCUMENTED_AT_TOP = /^(#.*\n)+/;

describe('built-in profiles', () => {
  it('seed priors wherever they look priors up (qr.*, viewer.open)', async () => {
    for (const file of PROFILES) {
      const profile = parseProfileText(await readFile(join(PROFILE_DIR, file), 'utf8'), file);
      const looksUpPriors = profile.scenarios.some((scenario) => scenario.operation.startsWith('qr.') || scenario.operation === 'viewer.open');
      expect(profile.seedPriors !== undefined, file).toBe(looksUpPriors);
    }
  });

  it('include the issue 7 set', () => {
    for (const name of ['quickstart', 'nightly-ci', 'community-hospital-peak', 'enterprise-go-live', 'mwl-breakpoint', 'reading-room', 'migration']) {
      expect(PROFILES).toContain(`${name}.yaml`);
    }
  });

  for (const file of PROFILES) {
    it(`${file} validates, is documented at its top, and runs scaled down with no errors`, async () => {
      const text = await readFile(join(PROFILE_DIR, file), 'utf8');
      expect(text).toMatch(DOCUMENTED_AT_TOP);
      const resolved = parseProfileText(text, file);
      const { profile } = scaleProfile({ ...resolved, target: undefined }, { durationUs: 3_000_000, gracefulStopUs: 60_000_000 });
      const summary = await runOnSimulator(withStepIntervals(profile));
      expect(summary.run.endReason).toBe('completed');
      for (const scenario of profile.scenarios) {
        const measured = summary.operations.filter((operation) => operation.scenario === scenario.name);
        const completed = measured.reduce((sum, operation) => sum + operation.completed, 0);
        expect(completed, `${file}: ${scenario.name} completed nothing`).toBeGreaterThan(0);
        for (const operation of measured) {
          expect(operation.failed, `${file}: ${scenario.name} ${operation.operation} ${JSON.stringify(operation.outcomes)}`).toBe(0);
          expect(operation.dropped, `${file}: ${scenario.name} dropped`).toBe(0);
        }
      }
      if (profile.scenarios.some((scenario) => scenario.executor.type === 'breakpoint')) expect(summary.breakpoint?.steps.length).toBeGreaterThan(0);
      if (profile.migration !== undefined) expect(summary.migration?.bytesSent).toBeGreaterThan(0);
      // Profiles that look priors up seed them first (issue 14, item 6), every study stored.
      if (profile.seedPriors !== undefined) {
        const { patients, studiesPerPatient } = profile.seedPriors;
        expect(summary.seedPriors).toMatchObject({ studiesStored: patients * studiesPerPatient, studiesFailed: 0, studiesNotSent: 0 });
      }
    }, 180_000);
  }
});

/** A scaled breakpoint ramp has short steps: report intervals as long as one step, so each step is judged on its own. */
function withStepIntervals(profile: ResolvedProfile): ResolvedProfile {
  const steps = profile.scenarios.flatMap((scenario) => (scenario.executor.type === 'breakpoint' ? [scenario.executor.stepDurationUs] : []));
  if (steps.length === 0) return profile;
  return { ...profile, options: { ...profile.options, intervalUs: Math.max(10_000, Math.min(profile.options.intervalUs, ...steps)) } };
}
