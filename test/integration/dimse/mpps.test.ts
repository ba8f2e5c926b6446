/** mpps.inProgress and mpps.completed against the embedded DIMSE simulator on 127.0.0.1 (port 0). */
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createMppsCompleted } from '../../../src/operations/mpps-completed.js';
import { createMppsInProgress } from '../../../src/operations/mpps-in-progress.js';
import { clearOpenSteps, createMppsPlan, dicomNow, mppsCompletedAttributes, mppsInProgressAttributes } from '../../../src/operations/mpps-steps.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import { createMppsCreateRequest, createMppsSetRequest } from '../../../src/protocol/dimse/mpps-requests.js';
import { dimseTarget, iteration, operationSetup, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';

let running: TestSimulator | undefined;
afterEach(async () => {
  clearOpenSteps();
  await running?.simulator.close();
  running = undefined;
});

describe('MPPS against the simulator', () => {
  it('runs the full cycle: N-CREATE IN PROGRESS, then N-SET COMPLETED of the same step on a later association', async () => {
    running = await startTestSimulator();
    const setup = operationSetup(dimseTarget(running.simulator));
    const inProgress = createMppsInProgress(setup);
    const completed = createMppsCompleted(setup);

    const created = await inProgress.run(iteration(0));
    expect(created.outcome).toEqual({ kind: 'ok' });
    expect(created.bytesSent).toBeGreaterThan(0);
    expect(running.simulator.mpps.stats()).toMatchObject({ creates: 1, inProgress: 1, completed: 0 });

    const done = await completed.run(iteration(0));
    expect(done.outcome).toEqual({ kind: 'ok' });
    // The N-SET completed the step inProgress opened: no second N-CREATE.
    expect(running.simulator.mpps.stats()).toMatchObject({ creates: 1, sets: 1, inProgress: 0, completed: 1, refused: 0 });
    expect(running.simulator.stats().associationsAccepted).toBe(2);
  });

  it('mpps.completed without an open step creates and completes one on one association', async () => {
    running = await startTestSimulator();
    const completed = createMppsCompleted(operationSetup(dimseTarget(running.simulator)));
    const results = await Promise.all([0, 1, 2].map((index) => completed.run(iteration(index))));
    expect(results.map((result) => result.outcome)).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }]);
    expect(running.simulator.mpps.stats()).toMatchObject({ creates: 3, sets: 3, completed: 3, refused: 0 });
    expect(running.simulator.stats().associationsAccepted).toBe(3);
  });

  it('classifies an N-SET of a step already COMPLETED as failure 0110 (PS3.4 F.7.2.2.2)', async () => {
    running = await startTestSimulator();
    const setup = operationSetup(dimseTarget(running.simulator));
    const plan = createMppsPlan(setup, 3, 'CT', 'mpps.inProgress');
    const now = dicomNow();
    const step = { sopInstanceUid: plan.procedureStepUid(4), item: plan.itemFor(4), startDate: now.date, startTime: now.time };
    const target = dimseTarget(running.simulator);
    const first = await runAssociation({
      ...target,
      requests: [
        createMppsCreateRequest(step.sopInstanceUid, mppsInProgressAttributes(step)),
        createMppsSetRequest(step.sopInstanceUid, mppsCompletedAttributes(step, plan.syntheticPerformedSeries(0, 'CT'))),
      ],
    });
    expect(first.outcome).toEqual({ kind: 'ok' });
    const again = await runAssociation({ ...target, requests: [createMppsSetRequest(step.sopInstanceUid, mppsCompletedAttributes(step, plan.syntheticPerformedSeries(0, 'CT')))] });
    expect(again.outcome).toEqual({ kind: 'dimse-failure', status: 0x0110 });
    expect(outcomeKey(again.outcome)).toBe('dimse_failure_0110');
  });

  it('refuses an N-SET of an unknown step with 0112 and a second N-CREATE of one step with 0111', async () => {
    running = await startTestSimulator();
    const setup = operationSetup(dimseTarget(running.simulator));
    const plan = createMppsPlan(setup, 3, 'CT', 'mpps.inProgress');
    const now = dicomNow();
    const step = { sopInstanceUid: plan.procedureStepUid(0), item: plan.itemFor(0), startDate: now.date, startTime: now.time };
    const target = dimseTarget(running.simulator);
    const unknown = await runAssociation({ ...target, requests: [createMppsSetRequest(step.sopInstanceUid, mppsCompletedAttributes(step, plan.syntheticPerformedSeries(0, 'CT')))] });
    expect(unknown.outcome).toEqual({ kind: 'dimse-failure', status: 0x0112 });
    const twice = await runAssociation({
      ...target,
      requests: [
        createMppsCreateRequest(step.sopInstanceUid, mppsInProgressAttributes(step)),
        createMppsCreateRequest(step.sopInstanceUid, mppsInProgressAttributes(step)),
      ],
    });
    expect(twice.outcome).toEqual({ kind: 'dimse-failure', status: 0x0111 });
    expect(running.simulator.mpps.statusOf(step.sopInstanceUid)).toBe('IN PROGRESS');
  });

  it('applies the error rate: an injected failure is 0110 and the step is not remembered as open', async () => {
    running = await startTestSimulator({ errorRate: 1 });
    const setup = operationSetup(dimseTarget(running.simulator));
    const created = await createMppsInProgress(setup).run(iteration(0));
    expect(created.outcome).toEqual({ kind: 'dimse-failure', status: 0x0110, reason: 'simulated failure (simulator errorRate)' });
    const completed = await createMppsCompleted(setup).run(iteration(0));
    // No open step, so completed ran its own N-CREATE, which the fault refused first.
    expect(completed.outcome).toEqual({ kind: 'dimse-failure', status: 0x0110, reason: 'simulated failure (simulator errorRate)' });
    expect(running.simulator.mpps.stats()).toMatchObject({ inProgress: 0, completed: 0 });
  });
});
