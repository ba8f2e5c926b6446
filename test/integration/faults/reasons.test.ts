/**
 * Issue 14, item 4 on the embedded simulator (real worker threads, the built
 * worker: `npm run build` first): the reasons made at the source reach the
 * summary with counts that add up to the outcome's, and to what the
 * simulator itself counted.
 * - a worklist answer with the wrong count: which station, how many, how many expected;
 * - a DIMSE failure status with an Error Comment (0000,0902): the comment;
 * - an HTTP failure: its status text.
 */
import { describe, expect, it } from 'vitest';
import type { OperationSummary } from '../../../src/metrics/types.js';
import { ERROR_RATE_COMMENT } from '../../../src/simulator/faults.js';
import { runOnEmbeddedSimulator } from '../../helpers/embedded-run.js';

const RUN_TIMEOUT_MS = 120_000;

function series(operations: readonly OperationSummary[], operation: string): OperationSummary {
  const found = operations.find((candidate) => candidate.operation === operation);
  if (found === undefined) throw new Error(`no ${operation} series`);
  return found;
}

describe('reasons in the summary of a run on the embedded simulator', () => {
  it('names the station and both counts of a worklist answer with the wrong count', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { summary, simulator } = await runOnEmbeddedSimulator(
      [
        'name: wrong-worklist-count',
        'simulator: { stations: 3, stepsPerStation: 3 }',
        'scenarios:',
        // Round robin over STATION001..STATION003: each station queried 4 times.
        '  worklist: { operation: mwl.find, executor: iterations, iterations: 12, stations: 3, expectItems: 5 }',
      ],
      'wrong-worklist-count.yaml',
    );
    try {
      const worklist = series(summary.operations, 'mwl.find');
      expect(worklist.outcomes).toEqual({ check_failed: 12 });
      expect(worklist.reasons).toEqual({
        check_failed: {
          top: [
            { reason: 'STATION001: 3 items, expected 5', count: 4 },
            { reason: 'STATION002: 3 items, expected 5', count: 4 },
            { reason: 'STATION003: 3 items, expected 5', count: 4 },
          ],
          other: 0,
        },
      });
    } finally {
      await simulator.close();
    }
  });

  it('carries the DIMSE Error Comment and the HTTP status text of failures, as many as the simulator injected', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { summary, simulator } = await runOnEmbeddedSimulator(
      [
        'name: failure-reasons',
        'seed: 4',
        'preflight: false',
        'simulator: { errorRate: 40% }',
        'scenarios:',
        '  echo: { operation: dimse.echo, executor: iterations, iterations: 30 }',
        '  search: { operation: qido.studies, executor: iterations, iterations: 30 }',
      ],
      'failure-reasons.yaml',
    );
    try {
      const stats = simulator.stats();
      const echo = series(summary.operations, 'dimse.echo');
      const echoFailures = echo.outcomes['dimse_failure_0110'] ?? 0;
      expect(echoFailures, JSON.stringify(echo.outcomes)).toBeGreaterThan(0);
      expect(echoFailures).toBe(stats.dimse.errorRateFailures);
      expect(echo.reasons).toEqual({ dimse_failure_0110: { top: [{ reason: ERROR_RATE_COMMENT, count: echoFailures }], other: 0 } });

      const search = series(summary.operations, 'qido.studies');
      const searchFailures = search.outcomes['http_503'] ?? 0;
      expect(searchFailures, JSON.stringify(search.outcomes)).toBeGreaterThan(0);
      expect(searchFailures).toBe(stats.dicomweb.errorRateFailures);
      expect(search.reasons).toEqual({ http_503: { top: [{ reason: '503 Service Unavailable', count: searchFailures }], other: 0 } });
    } finally {
      await simulator.close();
    }
  });
});
