import { describe, expect, it } from 'vitest';
import { compareFound, groupAcknowledged, verifyPassed } from '../../../src/coordinator/verify-compare.js';

const ack = (studyUid: string, seriesUid: string | undefined, sopInstanceUid: string) => ({ studyUid, seriesUid, sopInstanceUid });

describe('groupAcknowledged', () => {
  it('groups by study and series in first-seen order and checks an instance acknowledged twice once', () => {
    const groups = groupAcknowledged([ack('1', '1.1', '1.1.1'), ack('2', '2.1', '2.1.1'), ack('1', '1.1', '1.1.2'), ack('1', '1.1', '1.1.1'), ack('1', undefined, '1.9')]);
    expect(groups).toEqual([
      { studyUid: '1', seriesUid: '1.1', sopInstanceUids: ['1.1.1', '1.1.2'] },
      { studyUid: '2', seriesUid: '2.1', sopInstanceUids: ['2.1.1'] },
      { studyUid: '1', seriesUid: undefined, sopInstanceUids: ['1.9'] },
    ]);
  });
});

describe('compareFound', () => {
  const groups = groupAcknowledged([ack('1', '1.1', 'a'), ack('1', '1.1', 'b'), ack('2', '2.1', 'c'), ack('3', '3.1', 'd')]);

  it('finds nothing missing when the target returned every instance (extra instances are fine)', () => {
    const summary = compareFound(groups, [new Set(['a', 'b', 'x']), new Set(['c']), new Set(['d'])]);
    expect(summary).toEqual({ checked: 4, missing: 0, missingInstances: [], notChecked: 0 });
    expect(verifyPassed(summary)).toBe(true);
  });

  it('names each acknowledged instance the target does not return', () => {
    const summary = compareFound(groups, [new Set(['a']), new Set(), new Set(['d'])]);
    expect(summary).toEqual({ checked: 4, missing: 2, missingInstances: ['b', 'c'], notChecked: 0 });
    expect(verifyPassed(summary)).toBe(false);
  });

  it('counts instances of a failed query as not checked, never as missing, and adds those never kept', () => {
    const summary = compareFound(groups, [new Set(['a', 'b']), undefined, new Set(['d'])], 5);
    expect(summary).toEqual({ checked: 3, missing: 0, missingInstances: [], notChecked: 6 });
  });

  it('lists at most the limit but counts every missing instance', () => {
    const many = groupAcknowledged(Array.from({ length: 150 }, (_, index) => ack('1', '1.1', `u${index}`)));
    const summary = compareFound(many, [new Set()]);
    expect(summary.missing).toBe(150);
    expect(summary.missingInstances).toHaveLength(100);
    expect(summary.missingInstances[0]).toBe('u0');
    expect(compareFound(many, [new Set()], 0, 3).missingInstances).toEqual(['u0', 'u1', 'u2']);
  });

  it('fails verification when the check reported an error, even with nothing missing', () => {
    expect(verifyPassed({ checked: 0, missing: 0, missingInstances: [], notChecked: 4, error: 'C-FIND refused' })).toBe(false);
  });
});
