import { describe, expect, it } from 'vitest';
import { defaultLabels, mergeSections as mergeWithLabels, type MergedSections } from '../../../src/metrics/merge-sections.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { renderStored } from '../../../src/outputs/stored-lines.js';
import { recordedSamples, summaryOfSamples } from '../report/recorded-summaries.js';
import { breakpointSection, identitySection, storedSection } from './section-fixtures.js';

const base = summaryOfSamples(recordedSamples({ seed: 5, perInterval: 20, intervals: 2, errorFraction: 0 }), { id: 'run' });
const mergeSections = (summaries: RunSummary[], labels?: string[]): MergedSections => mergeWithLabels(summaries, labels ?? defaultLabels(summaries));
const part = (id: string, sections: Partial<RunSummary>): RunSummary => ({ ...base, run: { ...base.run, id }, ...sections });

describe('mergeSections: stored (issue 14, item 7)', () => {
  it('adds acknowledged instances and studies per scenario and in total, and says the studies are summed over parts', () => {
    const a = part('a', { stored: storedSection([['ct', 'dimse.store', 60, 3], ['chain', 'chain', 20, 4]], 1) });
    const b = part('b', { stored: storedSection([['ct', 'dimse.store', 40, 2], ['chain', 'chain', 30, 5]]) });
    const { stored } = mergeSections([a, b]);
    expect(stored).toEqual({
      scenarios: [
        { scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 100, studies: 5 },
        { scenario: 'chain', operation: 'chain', acknowledgedInstances: 50, studies: 9 },
      ],
      acknowledgedInstances: 150,
      // Each part's own distinct studies (6 and 7), added.
      studies: 13,
      studiesSummedOverParts: 2,
    });
    expect(renderStored(stored, undefined)[0]).toBe('stored: 150 acknowledged instances in 13 studies (summed over 2 parts)');
  });

  it('keeps a scenario only one part ran, sums the studies beyond the memory cap, and counts the parts of an earlier merge', () => {
    const capped = { ...storedSection([['mr', 'dimse.store', 10, 1]]), studiesNotCounted: 4 };
    const earlier = mergeSummaries([part('a', { stored: storedSection([['ct', 'dimse.store', 5, 1]]) }), part('b', { stored: capped })], [], ['a.json', 'b.json']);
    expect(earlier.stored?.studiesSummedOverParts).toBe(2);
    const again = mergeSections([earlier, part('c', { stored: storedSection([['ct', 'dimse.store', 7, 2]]) })]);
    expect(again.stored).toEqual({
      scenarios: [
        { scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 12, studies: 3 },
        { scenario: 'mr', operation: 'dimse.store', acknowledgedInstances: 10, studies: 1 },
      ],
      acknowledgedInstances: 22,
      studies: 4,
      studiesNotCounted: 4,
      studiesSummedOverParts: 3,
    });
  });

  it("keeps the one part's counts as they are when only one part stored, and has none when no part did", () => {
    const stored = storedSection([['ct', 'dimse.store', 60, 3]]);
    expect(mergeSections([part('a', { stored }), part('b', {})]).stored).toEqual(stored);
    expect(mergeSections([part('a', {}), part('b', {})]).stored).toBeUndefined();
  });
});

describe('mergeSections: identities (issue 14, item 7)', () => {
  it('keeps identities every part made alike', () => {
    const same = identitySection('unique', 'r1');
    const merged = mergeSections([part('a', { identities: same }), part('b', { identities: same })]);
    expect(merged.identities).toEqual(same);
    expect(merged.identitiesPerPart).toBeUndefined();
    expect(merged.instanceSections).toBeUndefined();
  });

  it('lists differing identities per part, named by file, and says duplicates were intended when any part meant them', () => {
    const unique = identitySection('unique', 'r1');
    const fixed = identitySection('fixed', 's42');
    const merged = mergeSections([part('a', { identities: unique, breakpoint: breakpointSection(30) }), part('b', { identities: fixed, breakpoint: breakpointSection(30) })], ['a.json', 'b.json']);
    expect(merged.identities).toBeUndefined();
    expect(merged.identitiesPerPart).toEqual({ modes: ['fixed', 'unique'], duplicatesIntended: true });
    // The breakpoint agrees, so it stays kept and is not listed beside the identities.
    expect(merged.breakpoint).toEqual(breakpointSection(30));
    expect(merged.instanceSections).toEqual([
      { instance: 'a.json', identities: unique },
      { instance: 'b.json', identities: fixed },
    ]);
    const perPart = mergeSections([part('a', { identities: unique }), part('b', { identities: identitySection('unique', 'r2') })]).identitiesPerPart;
    expect(perPart).toEqual({ modes: ['unique'], duplicatesIntended: false });
  });

  it('keeps the listed identities when a merge is merged again', () => {
    const earlier = mergeSummaries([part('a', { identities: identitySection('unique', 'r1') }), part('b', { identities: identitySection('unique', 'r2') })], [], ['a.json', 'b.json']);
    const again = mergeSummaries([earlier, part('c', { identities: identitySection('unique', 'r1') })], [], ['ab.json', 'c.json']);
    expect(again.instanceSections?.map((entry) => [entry.instance, entry.identities?.runComponent])).toEqual([
      ['a.json', 'r1'],
      ['b.json', 'r2'],
      ['c.json', 'r1'],
    ]);
    expect(again.identitiesPerPart).toEqual({ modes: ['unique'], duplicatesIntended: false });
  });
});

describe('mergeSections: summaries written before stored and identities', () => {
  it('merges them as before: no stored, identities or listed sections appear', () => {
    const merged = mergeSummaries([part('a', {}), part('b', {})]);
    expect(merged.stored).toBeUndefined();
    expect(merged.identities).toBeUndefined();
    expect(merged.identitiesPerPart).toBeUndefined();
    expect(merged.instanceSections).toBeUndefined();
  });

  it('keeps the sections of the newer parts beside an older one', () => {
    const stored = storedSection([['ct', 'dimse.store', 60, 3]]);
    const identities = identitySection('unique', 'r1');
    const merged = mergeSections([part('new', { stored, identities }), part('old', {})]);
    expect(merged.stored).toEqual(stored);
    expect(merged.identities).toEqual(identities);
  });
});
