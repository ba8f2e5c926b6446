/**
 * Issue 10's fault matrix, DIMSE half: for each fault the simulator injects,
 * one run of the built CLI against it (test/helpers/fault-run.ts) shows that
 * the run goes on to its end, that each injected fault is counted as the right
 * outcome, the same in the summary, in InfluxDB and in the console's table, and
 * that the operations without a fault still succeed.
 *
 * Exact counts: with `dimse.echo` and `mwl.find` one operation is one
 * association with one request, so one fault is one operation. With
 * `dimse.store` of a multi-image study a fault that ends the association
 * (abort) is still one per study; see there. `preflight: false`: the preflight
 * C-ECHO would draw faults too.
 *
 * Run `npm run build` first when running this file alone.
 */
import { describe, expect, it } from 'vitest';
import type { FaultKind, SimulatorFaults } from '../../../src/profile/types.js';
import { runAgainstFaultySimulator } from '../../helpers/fault-run.js';
import type { FaultRunResult } from '../../helpers/fault-run.js';

/**
 * A short steady run of one operation: 45 C-ECHOs in 1.5 s, or 20 MWL C-FINDs
 * in 2 s (each costs far more CPU, and the machine running the tests may be busy).
 */
function scenario(operation: string): string {
  const load = operation === 'mwl.find' ? 'rate: 10/s, duration: 2s' : 'rate: 30/s, duration: 1500ms';
  return `  load: { operation: ${operation}, executor: constant-arrival-rate, ${load} }`;
}

const NO_PREFLIGHT = 'preflight: false';

/** The run ended normally; `key` counted as often as `fault` was injected, alike in summary, InfluxDB and console; the rest ok. */
function expectFaultCounted(run: FaultRunResult, operation: string, fault: FaultKind, key: string): void {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  const injected = run.injected[fault] ?? 0;
  expect(injected).toBeGreaterThan(0);
  const outcomes = run.summaryOutcomes(operation);
  expect(outcomes[key]).toBe(injected);
  expect(run.influxOutcomes(operation)).toEqual(outcomes);
  expect(run.consoleOutcomes(operation)).toContain(key);
  // Only the injected fault and successes: nothing else went wrong, and the run kept going.
  expect(Object.keys(outcomes).sort()).toEqual([key, 'ok'].sort());
  expect(outcomes['ok']).toBeGreaterThan(0);
}

describe('DIMSE fault matrix (CLI against the faulty simulator)', () => {
  it.each<{ fault: FaultKind; operation: string; key: string }>([
    // PS3.8 9.3.4: rejected-permanent, service-user, no reason given.
    { fault: 'rejectPermanent', operation: 'dimse.echo', key: 'association_rejected_1_1_1' },
    // Rejected-transient, service-provider (presentation), temporary congestion.
    { fault: 'rejectTransient', operation: 'dimse.echo', key: 'association_rejected_2_3_1' },
    { fault: 'abort', operation: 'dimse.echo', key: 'aborted' },
    // The peer closes (FIN) after half a PDU: the association ends without an answer, as an A-ABORT would.
    { fault: 'closeMidPdu', operation: 'dimse.echo', key: 'aborted' },
    { fault: 'closeMidPdu', operation: 'mwl.find', key: 'aborted' },
    { fault: 'malformedPdu', operation: 'dimse.echo', key: 'protocol_error' },
    { fault: 'truncatedDataset', operation: 'mwl.find', key: 'protocol_error' },
    // C-ECHO answered FF00 pending, a status only C-FIND, C-GET and C-MOVE define (PS3.7 Annex C).
    { fault: 'wrongStatus', operation: 'dimse.echo', key: 'dimse_failure_ff00' },
    // C-FIND answered 0111, an N-CREATE status.
    { fault: 'wrongStatus', operation: 'mwl.find', key: 'dimse_failure_0111' },
    { fault: 'unknownStatus', operation: 'dimse.echo', key: 'dimse_failure_7f01' },
    { fault: 'reset', operation: 'dimse.echo', key: 'connection_reset' },
  ])('$fault on $operation is counted as $key', async ({ fault, operation, key }) => {
    const run = await runAgainstFaultySimulator({
      faults: { injected: { [fault]: 0.3 } },
      scenariosYaml: scenario(operation),
      profileExtraYaml: NO_PREFLIGHT,
    });
    expectFaultCounted(run, operation, fault, key);
  });

  it('abort mid-study: one aborted study per injected A-ABORT, the studies before it stored', async () => {
    // Each C-STORE draws; an A-ABORT ends the study's only association, so one abort is one study.
    const run = await runAgainstFaultySimulator({
      faults: { injected: { abort: 0.15 } },
      scenariosYaml: '  load: { operation: dimse.store, executor: constant-arrival-rate, rate: 10/s, duration: 1500ms, modality: CT, images: 4, imageSize: 16KiB }',
      profileExtraYaml: NO_PREFLIGHT,
    });
    expectFaultCounted(run, 'dimse.store', 'abort', 'aborted');
  });

  it('slowDrip within the timeout: every operation ok, the drip shows in the latency', async () => {
    // About 90 bytes of C-ECHO-RSP PDU at 45 B/s: about 2 s instead of milliseconds (default timeout 30 s).
    const run = await runAgainstFaultySimulator({
      faults: { injected: { slowDrip: 0.25 }, dripBytesPerSec: 45 },
      scenariosYaml: scenario('dimse.echo'),
      profileExtraYaml: NO_PREFLIGHT,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.injected.slowDrip).toBeGreaterThan(0);
    const outcomes = run.summaryOutcomes('dimse.echo');
    expect(Object.keys(outcomes)).toEqual(['ok']);
    expect(run.influxOutcomes('dimse.echo')).toEqual(outcomes);
    const echo = run.summary.operations.find((entry) => entry.operation === 'dimse.echo');
    expect(echo?.latency.response?.maxUs).toBeGreaterThan(1_500_000);
  });

  it('slowDrip beyond the timeout: one timeout per drip', async () => {
    // About 90 bytes of C-ECHO-RSP PDU at 10 B/s need about 9 s; the timeout is 3 s.
    const run = await runAgainstFaultySimulator({
      faults: { injected: { slowDrip: 0.3 }, dripBytesPerSec: 10 },
      scenariosYaml: scenario('dimse.echo'),
      dimseTargetYaml: 'timeout: 3s',
      profileExtraYaml: NO_PREFLIGHT,
    });
    expectFaultCounted(run, 'dimse.echo', 'slowDrip', 'timeout');
  });

  it('a stall longer than the timeout: timeouts during it, ok outside it, the run goes on', async () => {
    // The CLI starts a few seconds after the fault clock (more on a loaded machine), so the stall
    // repeats: 3 s of every 4 s from the start. Requests in the first 1.5 s of a stall time out;
    // later ones and those between stalls are answered. A 4 s run meets at least one whole period.
    const faults: Partial<SimulatorFaults> = { stall: { atUs: 0, durationUs: 3_000_000, everyUs: 4_000_000 } };
    const run = await runAgainstFaultySimulator({
      faults,
      scenariosYaml: '  load: { operation: dimse.echo, executor: constant-arrival-rate, rate: 10/s, duration: 4s }',
      dimseTargetYaml: 'timeout: 1500ms',
      profileExtraYaml: NO_PREFLIGHT,
    });
    expect(run.code, run.stderr).toBe(0);
    const outcomes = run.summaryOutcomes('dimse.echo');
    expect(Object.keys(outcomes).sort()).toEqual(['ok', 'timeout']);
    expect(outcomes['timeout']).toBeGreaterThan(0);
    expect(outcomes['ok']).toBeGreaterThan(0);
    expect(run.influxOutcomes('dimse.echo')).toEqual(outcomes);
    expect(run.consoleOutcomes('dimse.echo')).toContain('timeout');
  });
});
