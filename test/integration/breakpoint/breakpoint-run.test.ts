/**
 * The breakpoint executor against the embedded simulator with a concurrency
 * limit (issue 7): the simulator answers after 400 ms and rejects associations
 * beyond 8 at once, so its ceiling is 8 / 0.4 s = 20 C-ECHO/s. Stepping 5/s at a
 * time, the reported sustainable rate must lie within one step of it, the run
 * must stop at the first failed step, and the console must show the knee.
 * Uses the built worker: run `npm run build` first.
 */
import { describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../../src/outputs/console-summary.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { runOnSimulator } from '../../helpers/scale-profile.js';

const CEILING_PER_SEC = 20;
const STEP_PER_SEC = 5;

const PROFILE = `
name: echo-breakpoint
simulator:
  latency: 400ms
  maxAssociations: 8
scenarios:
  ramp:
    operation: dimse.echo
    executor: breakpoint
    startRate: 5/s
    stepRate: 5/s
    stepDuration: 2s
    maxRate: 40/s
    maxInFlight: 100
    gracefulStop: 3s
    stopWhen: { errors: 1% }
`;

describe('breakpoint executor (embedded simulator)', () => {
  it('finds the rate where the simulator starts rejecting, within one step, and stops there', async () => {
    const profile = parseProfileText(PROFILE, 'echo-breakpoint.yaml');
    const summary = await runOnSimulator(profile);
    const breakpoint = summary.breakpoint;
    expect(breakpoint?.scenario).toBe('ramp');
    const sustainable = breakpoint?.sustainableRatePerSec ?? 0;
    expect(sustainable, JSON.stringify(breakpoint)).toBeGreaterThanOrEqual(CEILING_PER_SEC - STEP_PER_SEC);
    expect(sustainable).toBeLessThanOrEqual(CEILING_PER_SEC);
    expect(breakpoint?.failedRatePerSec).toBe(sustainable + STEP_PER_SEC);
    expect(breakpoint?.reason).toMatch(/^errors [\d.]+% > 1% at \d+\/s$/);
    const steps = breakpoint?.steps ?? [];
    expect(steps.at(-1)?.passed).toBe(false);
    expect(steps.slice(0, -1).every((step) => step.passed)).toBe(true);
    // It stopped at the knee: the steps above it (up to 40/s) never ran.
    expect(steps.length).toBeLessThan(8);
    expect(summary.run.endReason).toBe('completed');
    const echo = summary.operations.find((operation) => operation.scenario === 'ramp');
    expect(Object.keys(echo?.outcomes ?? {}).some((key) => key !== 'ok')).toBe(true);

    const text = renderRunSummary(summary, { color: false }).join('\n');
    expect(text).toContain('breakpoint (ramp)');
    expect(text).toContain(`sustainable rate ${sustainable}/s; first failed step ${sustainable + STEP_PER_SEC}/s`);
  }, 60_000);
});
