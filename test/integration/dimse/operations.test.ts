/** dimse.echo and mwl.find against the embedded DIMSE simulator on 127.0.0.1 (port 0). */
import { afterEach, describe, expect, it } from 'vitest';
import { createDimseEcho } from '../../../src/operations/dimse-echo.js';
import { createMwlFind } from '../../../src/operations/mwl-find.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import { STEPS_PER_STATION, dimseTarget, iteration, operationSetup, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';

let running: TestSimulator | undefined;
afterEach(async () => {
  await running?.simulator.close();
  running = undefined;
});

describe('dimse.echo', () => {
  it('succeeds with setup time and bytes, and releases the association', async () => {
    running = await startTestSimulator();
    const echo = createDimseEcho(operationSetup(dimseTarget(running.simulator)));
    const result = await echo.run(iteration(0));
    await echo.close();

    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(Number.isInteger(result.setupUs)).toBe(true);
    expect(result.setupUs).toBeGreaterThan(0);
    expect(result.bytesSent).toBeGreaterThan(0);
    expect(result.bytesReceived).toBeGreaterThan(0);
    const stats = running.simulator.stats();
    expect(stats).toMatchObject({ associationsAccepted: 1, associationsEnded: 1, echoRequests: 1 });
    expect(running.faults.activeAssociations).toBe(0);
  });

  it('reports a wrong called AE title as association rejected 1/1/7 (PS3.8 9.3.4)', async () => {
    running = await startTestSimulator();
    const echo = createDimseEcho(operationSetup(dimseTarget(running.simulator, { calledAe: 'NOT-THE-SIM' })));
    const result = await echo.run(iteration(0));
    expect(result.outcome).toEqual({
      kind: 'association-rejected',
      result: 1,
      source: 1,
      reason: 7,
      reasonText: 'rejected-permanent by DICOM UL service-user: called-AE-title-not-recognized',
    });
    expect(result.setupUs).toBeUndefined();
    expect(running.simulator.stats().associationsRejected).toBe(1);
  });

  it('reports the association limit as rejected 2/3/2 (transient, presentation, local limit)', async () => {
    running = await startTestSimulator({ maxAssociations: 1, latencyUs: 300_000 });
    const echo = createDimseEcho(operationSetup(dimseTarget(running.simulator)));
    const first = echo.run(iteration(0));
    // Give the first association time to be accepted before the second asks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await echo.run(iteration(1));
    expect(second.outcome).toEqual({
      kind: 'association-rejected',
      result: 2,
      source: 3,
      reason: 2,
      reasonText: 'rejected-transient by DICOM UL service-provider (Presentation related function): local-limit-exceeded',
    });
    expect(outcomeKey(second.outcome)).toBe('association_rejected_2_3_2');
    expect((await first).outcome).toEqual({ kind: 'ok' });
    expect(running.faults.activeAssociations).toBe(0);
  });

  it('reports an injected failure as DIMSE status 0110', async () => {
    running = await startTestSimulator({ errorRate: 1 });
    const echo = createDimseEcho(operationSetup(dimseTarget(running.simulator)));
    const result = await echo.run(iteration(0));
    // The simulator's Error Comment (0000,0902) is the reason.
    expect(result.outcome).toEqual({ kind: 'dimse-failure', status: 0x0110, reason: 'simulated failure (simulator errorRate)' });
  });

  it('reports a closed port as connection refused', async () => {
    running = await startTestSimulator();
    const target = dimseTarget(running.simulator);
    await running.simulator.close();
    const result = await createDimseEcho(operationSetup(target)).run(iteration(0));
    expect(result.outcome).toMatchObject({ kind: 'connection-refused', reason: expect.stringMatching(/^connect ECONNREFUSED 127\.0\.0\.1:\d+ \(while connecting\)$/) });
    expect(result.bytesSent).toBe(0);
  });

  it('waits for the injected latency', async () => {
    running = await startTestSimulator({ latencyUs: 200_000 });
    const echo = createDimseEcho(operationSetup(dimseTarget(running.simulator)));
    const startMs = performance.now();
    const result = await echo.run(iteration(0));
    const elapsedMs = performance.now() - startMs;
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(elapsedMs).toBeGreaterThanOrEqual(195);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('times out when the simulator stalls longer than the operation timeout, and leaves no socket open', async () => {
    running = await startTestSimulator({ stall: { atUs: 0, durationUs: 3_000_000 } });
    const target = dimseTarget(running.simulator, { operationTimeoutUs: 300_000 });
    const startMs = performance.now();
    const result = await createDimseEcho(operationSetup(target)).run(iteration(0));
    const elapsedMs = performance.now() - startMs;
    expect(result.outcome).toEqual({ kind: 'timeout', reason: 'response: no answer to C-ECHO (Verification SOP Class) within timeout 300 ms' });
    expect(result.setupUs).toBeGreaterThan(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(295);
    expect(elapsedMs).toBeLessThan(2_000);
    // Our A-ABORT and close reach the simulator, which ends the association.
    await expect.poll(() => running?.simulator.stats().openConnections).toBe(0);
    expect(running.faults.activeAssociations).toBe(0);
  });
});

describe('mwl.find', () => {
  it('returns the station\'s scheduled steps for today and passes the expectItems check', async () => {
    running = await startTestSimulator();
    const find = createMwlFind(operationSetup(dimseTarget(running.simulator), { expectItems: STEPS_PER_STATION }));
    const results = await Promise.all([0, 1, 2, 3].map((index) => find.run(iteration(index))));
    for (const result of results) {
      expect(result.outcome).toEqual({ kind: 'ok' });
      expect(result.setupUs).toBeGreaterThan(0);
      expect(result.bytesReceived).toBeGreaterThan(result.bytesSent);
    }
    expect(running.simulator.stats().findRequests).toBe(4);
  });

  it('reports a different item count as check-failed with the reason', async () => {
    running = await startTestSimulator();
    const find = createMwlFind(operationSetup(dimseTarget(running.simulator), { expectItems: STEPS_PER_STATION + 1 }));
    const result = await find.run(iteration(1));
    expect(result.outcome).toEqual({
      kind: 'check-failed',
      // Which station, how many, how many expected (issue 14, item 4).
      reason: `STATION002: ${STEPS_PER_STATION} items, expected ${STEPS_PER_STATION + 1}`,
    });
  });

  it('counts FF01 pending responses as items (PS3.4 K.4.1.2.2)', async () => {
    running = await startTestSimulator({}, 0xff01);
    const find = createMwlFind(operationSetup(dimseTarget(running.simulator), { expectItems: STEPS_PER_STATION }));
    expect((await find.run(iteration(0))).outcome).toEqual({ kind: 'ok' });
  });

  it('finds nothing for a modality that is not scheduled', async () => {
    running = await startTestSimulator();
    const find = createMwlFind(operationSetup(dimseTarget(running.simulator), { modality: 'MR', expectItems: 0 }));
    expect((await find.run(iteration(0))).outcome).toEqual({ kind: 'ok' });
  });

  it('reports an injected failure as A700 (out of resources)', async () => {
    running = await startTestSimulator({ errorRate: 1 });
    const find = createMwlFind(operationSetup(dimseTarget(running.simulator), { expectItems: STEPS_PER_STATION }));
    const result = await find.run(iteration(0));
    expect(outcomeKey(result.outcome)).toBe('dimse_failure_a700');
  });
});
