/**
 * MPPS plans: their SOP Instance UIDs come from the scenario's identity
 * allocator, so no two N-CREATEs of a run, of two scenarios, of two instances
 * of a distributed run or of two runs share one (a PACS refuses a second
 * N-CREATE of a UID, 0111).
 */
import { describe, expect, it } from 'vitest';
import { createMppsPlan } from '../../../src/operations/mpps-steps.js';
import type { OperationSetup } from '../../../src/operations/types.js';
import { IdentityAllocator, identitySettings } from '../../../src/synth/identity.js';
import { isValidUid } from '../../../src/profile/uid-root.js';

const SETUP: OperationSetup = {
  target: { dimse: { host: '127.0.0.1', port: 104, calledAe: 'PACS', callingAe: 'PACSLOAD', connectTimeoutUs: 1, operationTimeoutUs: 1 }, dicomweb: undefined },
  params: { stations: 2, modality: 'CT', expectItems: undefined, limit: undefined },
  workerIndex: 0,
  workerCount: 1,
  seed: 5,
  env: {},
};

function setupOf(runId: string, scenarioIndex: number): OperationSetup {
  return { ...SETUP, identities: new IdentityAllocator(identitySettings({ mode: 'unique', runId, seed: 5 }), scenarioIndex) };
}

describe('createMppsPlan', () => {
  it('gives every iteration, scenario and run its own procedure step UID', () => {
    const uids = new Set<string>();
    for (const runId of ['run-a', 'run-b']) {
      for (const scenarioIndex of [0, 1]) {
        const plan = createMppsPlan(setupOf(runId, scenarioIndex), 2, 'CT', 'mpps.inProgress');
        for (let iteration = 0; iteration < 50; iteration++) uids.add(plan.procedureStepUid(iteration));
      }
    }
    expect(uids.size).toBe(200);
    expect([...uids].every(isValidUid)).toBe(true);
  });

  it('agrees between two instances of one distributed run (same run id) and keeps the worklist of the seed', () => {
    const first = createMppsPlan(setupOf('shared', 0), 2, 'CT', 'mpps.inProgress');
    const second = createMppsPlan(setupOf('shared', 0), 2, 'CT', 'mpps.inProgress');
    expect(second.procedureStepUid(7)).toBe(first.procedureStepUid(7));
    expect(first.itemFor(3)).toEqual(second.itemFor(3));
  });

  it('gives plans built outside a run (no allocator) different UIDs', () => {
    const first = createMppsPlan(SETUP, 2, 'CT', 'mpps.inProgress');
    const second = createMppsPlan(SETUP, 2, 'CT', 'mpps.inProgress');
    expect(first.procedureStepUid(0)).not.toBe(second.procedureStepUid(0));
  });

  it('references synthetic performed series that are valid UIDs of their own stream', () => {
    const plan = createMppsPlan(setupOf('run-a', 0), 2, 'CT', 'mpps.completed');
    const [series] = plan.syntheticPerformedSeries(3, 'CR');
    expect(series?.sopInstanceUids).toHaveLength(2);
    expect([series!.seriesInstanceUid, ...series!.sopInstanceUids].every(isValidUid)).toBe(true);
    expect(series!.seriesInstanceUid).not.toBe(plan.procedureStepUid(3));
  });
});
