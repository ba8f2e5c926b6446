/**
 * An embedded simulator's random faults start at the run's time zero
 * (run-load.ts, holdFaultsUntil), as `simulate --faults-from` does: the
 * warm-up, the preflight and the workers' look-ups before it see a healthy
 * PACS, and every fault the simulator injects is one an operation counts.
 * Runs real worker threads (the built code: `npm run build`).
 */
import { describe, expect, it } from 'vitest';
import { runOnEmbeddedSimulator } from '../../helpers/embedded-run.js';

const ECHOES = 12;
const FRAMES = 6;

describe('faults of the embedded simulator', () => {
  it('every request after time zero fails, none before: preflight and look-ups pass, and the counts match 1:1', async () => {
    const { summary, simulator } = await runOnEmbeddedSimulator(
      [
        'name: embedded-faults',
        'simulator: { errorRate: 100% }',
        'scenarios:',
        `  echo: { operation: dimse.echo, executor: iterations, iterations: ${ECHOES} }`,
        // wado.frames looks its frames up by QIDO-RS before time zero: those look-ups must not meet the error rate.
        `  frames: { operation: wado.frames, executor: iterations, iterations: ${FRAMES} }`,
      ],
      'embedded-faults.yaml',
    );
    expect(summary.run.endReason).toBe('completed');
    const outcomes = (operation: string): Record<string, number> | undefined =>
      summary.operations.find((series) => series.operation === operation)?.outcomes;
    expect(outcomes('dimse.echo')).toEqual({ dimse_failure_0110: ECHOES });
    expect(outcomes('wado.frames')).toEqual({ http_503: FRAMES });
    // Nothing failed before time zero: the simulator's failures are exactly the run's.
    const stats = simulator.stats();
    expect(stats.dimse.errorRateFailures).toBe(ECHOES);
    expect(stats.dicomweb.errorRateFailures).toBe(FRAMES);
  }, 60_000);
});
