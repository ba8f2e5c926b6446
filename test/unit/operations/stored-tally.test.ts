/**
 * What the storing scenarios acknowledged (issue 14): each worker counts
 * instances and keeps distinct study UIDs per scenario, bounded; the
 * coordinator sums the counts and unions the studies, so a study sent by two
 * workers or two scenarios counts once, as an archive counts it.
 */
import { describe, expect, it } from 'vitest';
import { StoredCounts } from '../../../src/coordinator/stored-counts.js';
import { StoredTally } from '../../../src/operations/stored-tally.js';
import type { ResolvedProfile, ResolvedScenario } from '../../../src/profile/types.js';

const ack = (studyUid: string, count: number) => Array.from({ length: count }, (_, index) => ({ studyUid, sopInstanceUid: `${studyUid}.1.${index + 1}` }));

function scenario(name: string, operation: ResolvedScenario['operation'], steps?: ResolvedScenario['params']['steps']): ResolvedScenario {
  return {
    name,
    operation,
    executor: { type: 'iterations', iterations: 1, users: 1, maxDurationUs: 1 },
    startAfterUs: 0,
    gracefulStopUs: 0,
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, ...(steps === undefined ? {} : { steps }) },
  };
}

const PROFILE = {
  scenarios: [scenario('ct', 'dimse.store'), scenario('echo', 'dimse.echo'), scenario('stow', 'stow.study'), scenario('modality', 'chain', ['mwl.find', 'dimse.store'])],
} as unknown as ResolvedProfile;

describe('StoredTally and StoredCounts', () => {
  it('count instances and distinct studies per storing scenario and in total, across workers', () => {
    const worker0 = new StoredTally();
    const worker1 = new StoredTally();
    worker0.add('ct', ack('1.1', 3));
    worker1.add('ct', ack('1.2', 2));
    worker0.add('modality', ack('9.9', 2));
    // The chain met the same worklist item again on another worker: one study.
    worker1.add('modality', ack('9.9', 2));
    worker1.add('stow', ack('2.1', 4));
    const counts = new StoredCounts();
    for (const chunk of [...worker0.chunks(), ...worker1.chunks(1)]) counts.add(chunk);
    expect(counts.summary(PROFILE)).toEqual({
      scenarios: [
        { scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 5, studies: 2 },
        { scenario: 'stow', operation: 'stow.study', acknowledgedInstances: 4, studies: 1 },
        { scenario: 'modality', operation: 'chain', acknowledgedInstances: 4, studies: 1 },
      ],
      acknowledgedInstances: 13,
      studies: 4,
    });
  });

  it('say how many studies went beyond the memory cap', () => {
    const tally = new StoredTally(1);
    tally.add('ct', [...ack('1.1', 2), ...ack('1.2', 1)]);
    const counts = new StoredCounts();
    for (const chunk of tally.chunks()) counts.add(chunk);
    expect(counts.summary(PROFILE)).toMatchObject({ acknowledgedInstances: 3, studies: 1, studiesNotCounted: 1 });
  });

  it('say nothing for a profile that stores nothing', () => {
    expect(new StoredCounts().summary({ scenarios: [scenario('echo', 'dimse.echo')] } as unknown as ResolvedProfile)).toBeUndefined();
  });
});
