/**
 * The fault-matrix harness itself (test/helpers/fault-run.ts): a run against
 * the faulty simulator is read back the same from the summary, the InfluxDB
 * points and the console, so the per-fault tests can trust all three.
 */
import { describe, expect, it } from 'vitest';
import { runAgainstFaultySimulator } from '../../helpers/fault-run.js';

describe('fault-matrix harness', () => {
  it('reads the same outcome counts from the summary, InfluxDB and the console', async () => {
    const run = await runAgainstFaultySimulator({
      faults: { errorRate: 0.3 },
      scenariosYaml: ['  echo:', '    operation: dimse.echo', '    executor: constant-arrival-rate', '    rate: 40/s', '    duration: 1500ms'].join('\n'),
    });
    expect(run.code, run.stderr).toBe(0);
    const fromSummary = run.summaryOutcomes('dimse.echo');
    expect(fromSummary['ok']).toBeGreaterThan(0);
    expect(fromSummary['dimse_failure_0110']).toBeGreaterThan(0);
    expect(run.influxOutcomes('dimse.echo')).toEqual(fromSummary);
    expect(run.consoleOutcomes('dimse.echo')).toContain('dimse_failure_0110');
    // errorRate is not one of the injected protocol faults.
    expect(run.injected).toEqual({});
  });
});
