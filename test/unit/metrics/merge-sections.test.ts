import { describe, expect, it } from 'vitest';
import { defaultLabels, mergeSections as mergeWithLabels, type MergedSections } from '../../../src/metrics/merge-sections.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { verifyPassed } from '../../../src/metrics/verify-summary.js';
import { recordedSamples, summaryOfSamples } from '../report/recorded-summaries.js';
import { breakpointSection, migrationSection, verifySection } from './section-fixtures.js';

const base = summaryOfSamples(recordedSamples({ seed: 4, perInterval: 20, intervals: 2, errorFraction: 0 }), { id: 'run' });
/** As `merge` calls it: named by the given labels, else by each run's segment or id. */
const mergeSections = (summaries: RunSummary[], labels?: string[]): MergedSections => mergeWithLabels(summaries, labels ?? defaultLabels(summaries));
const part = (id: string, sections: Partial<RunSummary>): RunSummary => ({ ...base, run: { ...base.run, id }, ...sections });

describe('mergeSections: verify (issue 14, item 7)', () => {
  it('adds the counts, joins the UID lists and keeps an unintended duplicate failing', () => {
    const a = part('a', { verify: verifySection({ checked: 10, missing: ['1.1'], notChecked: 2 }) });
    const b = part('b', { verify: verifySection({ checked: 20, missing: ['2.1', '2.2'], duplicates: ['2.9'] }) });
    const { verify } = mergeSections([a, b], ['a.json', 'b.json']);
    expect(verify).toMatchObject({
      checked: 30,
      missing: 3,
      missingInstances: ['1.1', '2.1', '2.2'],
      notChecked: 2,
      acknowledgedSends: 12 + 21,
      distinctInstances: 12 + 20,
      acknowledgedMoreThanOnce: 1,
      extraAcknowledgements: 1,
      duplicateInstances: ['2.9'],
      duplicatesIntended: false,
    });
    expect(verify?.error).toBeUndefined();
    expect(verify?.detail).toBe('33 acknowledged sends of 32 distinct instances: 1 acknowledged more than once (unintended, 1 extra acknowledgement); 30 checked: 3 missing, 2 not checked');
    expect(verifyPassed(verify!)).toBe(false);
  });

  it('lists at most the limit of missing and duplicated UIDs, and counts them all', () => {
    const uids = (prefix: string) => Array.from({ length: 80 }, (_, index) => `${prefix}.${index}`);
    const a = part('a', { verify: verifySection({ checked: 100, missing: uids('1'), duplicates: uids('3') }) });
    const b = part('b', { verify: verifySection({ checked: 100, missing: uids('2'), duplicates: uids('4') }) });
    const { verify } = mergeSections([a, b]);
    expect(verify?.missing).toBe(160);
    expect(verify?.missingInstances).toHaveLength(100);
    expect(verify?.missingInstances.slice(79, 81)).toEqual(['1.79', '2.0']);
    expect(verify?.acknowledgedMoreThanOnce).toBe(160);
    expect(verify?.duplicateInstances).toHaveLength(100);
  });

  it("keeps any part's error, named by its file, and a part run without --verify leaves the merge not verified", () => {
    const ok = part('a', { verify: verifySection({ checked: 10 }) });
    const failed = part('b', { verify: verifySection({ checked: 0, notChecked: 5, error: '1 of 1 C-FIND queries failed' }) });
    const { verify } = mergeSections([ok, failed, part('c', {})], ['a.json', 'b.json', 'c.json']);
    expect(verify?.error).toBe('b.json: 1 of 1 C-FIND queries failed (and 1 more: c.json: run without --verify, its instances were not checked)');
    expect(verify?.notChecked).toBe(5);
    expect(verifyPassed(verify!)).toBe(false);
  });

  it('calls duplicates intended only when every part that had some meant them', () => {
    const intended = part('a', { verify: verifySection({ checked: 10, duplicates: ['1.1'], intended: true }) });
    const none = part('b', { verify: verifySection({ checked: 10 }) });
    const unintended = part('c', { verify: verifySection({ checked: 10, duplicates: ['3.1'] }) });
    const both = mergeSections([intended, none]).verify!;
    expect(both.duplicatesIntended).toBe(true);
    expect(verifyPassed(both)).toBe(true);
    expect(both.detail).toContain('1 acknowledged more than once (intended');
    expect(verifyPassed(mergeSections([intended, unintended]).verify!)).toBe(false);
  });

  it('merges summaries written before the send counts without inventing them', () => {
    const old = (id: string) => part(id, { verify: { checked: 5, missing: 0, missingInstances: [], notChecked: 0 } });
    const { verify } = mergeSections([old('a'), old('b')]);
    expect(verify).toEqual({ checked: 10, missing: 0, missingInstances: [], notChecked: 0, detail: '10 acknowledged instances checked, all stored' });
  });

  it('has no verify section when no part ran with --verify', () => {
    expect(mergeSections([part('a', {}), part('b', {})])).toEqual({});
  });
});

describe('mergeSections: breakpoint and migration', () => {
  it('keeps a section every part has alike', () => {
    const merged = mergeSections([part('a', { breakpoint: breakpointSection(30), migration: migrationSection(5) }), part('b', { breakpoint: breakpointSection(30), migration: migrationSection(5) })]);
    expect(merged).toEqual({ breakpoint: breakpointSection(30), migration: migrationSection(5) });
  });

  it('lists sections that differ per instance, named by file, and keeps the ones that agree', () => {
    const merged = mergeSections(
      [part('a', { breakpoint: breakpointSection(30), migration: migrationSection(5) }), part('b', { breakpoint: breakpointSection(40), migration: migrationSection(5) })],
      ['a.json', 'b.json'],
    );
    expect(merged.breakpoint).toBeUndefined();
    expect(merged.migration).toEqual(migrationSection(5));
    expect(merged.instanceSections).toEqual([
      { instance: 'a.json', breakpoint: breakpointSection(30) },
      { instance: 'b.json', breakpoint: breakpointSection(40) },
    ]);
  });

  it('keeps what an earlier merge listed per instance when merged again', () => {
    const earlier = mergeSummaries([part('a', { migration: migrationSection(1) }), part('b', { migration: migrationSection(2) })], [], ['a.json', 'b.json']);
    expect(earlier.instanceSections).toHaveLength(2);
    const again = mergeSummaries([earlier, part('c', { migration: migrationSection(3) })], [], ['ab.json', 'c.json']);
    expect(again.migration).toBeUndefined();
    expect(again.instanceSections).toEqual([
      { instance: 'a.json', migration: migrationSection(1) },
      { instance: 'b.json', migration: migrationSection(2) },
      { instance: 'c.json', migration: migrationSection(3) },
    ]);
  });

  it('names parts by segment, else by run id, when no labels are given', () => {
    const segmented = (segment: string, rate: number) => ({ ...part('split', { breakpoint: breakpointSection(rate) }), run: { ...base.run, id: 'split', segment } });
    expect(mergeSections([segmented('1/2', 10), segmented('2/2', 20)]).instanceSections?.map((entry) => entry.instance)).toEqual(['1/2', '2/2']);
    expect(mergeSections([part('x', { breakpoint: breakpointSection(10) }), part('x', { breakpoint: breakpointSection(20) })]).instanceSections?.map((entry) => entry.instance)).toEqual(['x #1', 'x #2']);
  });
});
