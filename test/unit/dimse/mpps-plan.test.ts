/** MPPS plans: two built at once in one worker never share a UID stream (a PACS refuses a second N-CREATE of a UID, 0111). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMppsPlan } from '../../../src/operations/mpps-steps.js';
import type { OperationSetup } from '../../../src/operations/types.js';

const SETUP: OperationSetup = {
  target: { dimse: { host: '127.0.0.1', port: 104, calledAe: 'PACS', callingAe: 'PACSLOAD', connectTimeoutUs: 1, operationTimeoutUs: 1 }, dicomweb: undefined },
  params: { stations: 2, modality: 'CT', expectItems: undefined, limit: undefined },
  workerIndex: 0,
  workerCount: 1,
  seed: 5,
  env: {},
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('createMppsPlan', () => {
  it('gives the same worker of two instances of a distributed run, started in the same millisecond, different UIDs', async () => {
    // Each instance is its own process: a fresh module (plan count 0), the same seed, worker index and clock.
    vi.spyOn(Date, 'now').mockReturnValue(1_790_000_000_000);
    const uids = new Set<string>();
    for (let instance = 0; instance < 2; instance++) {
      vi.resetModules();
      const { createMppsPlan: createInInstance } = await import('../../../src/operations/mpps-steps.js');
      const plan = createInInstance(SETUP, 2, 'CT');
      for (let index = 0; index < 50; index++) uids.add(plan.nextUid());
    }
    expect(uids.size).toBe(100);
  });

  it('gives two plans of the same seed, worker and millisecond different UIDs', () => {
    const first = createMppsPlan(SETUP, 2, 'CT');
    const second = createMppsPlan(SETUP, 2, 'CT');
    const uids = new Set<string>();
    for (let index = 0; index < 50; index++) {
      uids.add(first.nextUid());
      uids.add(second.nextUid());
    }
    expect(uids.size).toBe(100);
    // The worklist items stay the same: both plans perform the same synthetic worklist.
    expect(first.itemFor(3)).toEqual(second.itemFor(3));
  });
});
