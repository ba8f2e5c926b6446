import { describe, expect, it } from 'vitest';
import { compareFound, completeVerify, countAcknowledgements, groupAcknowledged, tallyAcknowledged, uncheckedVerify, verifyPassed } from '../../../src/coordinator/verify-compare.js';

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

  it('asks for an instance acknowledged in two series once, in the series of its first acknowledgement', () => {
    const { groups, counts } = tallyAcknowledged([ack('1', '1.1', 'a'), ack('1', '1.2', 'b'), ack('1', '1.2', 'a')]);
    expect(groups).toEqual([
      { studyUid: '1', seriesUid: '1.1', sopInstanceUids: ['a'] },
      { studyUid: '1', seriesUid: '1.2', sopInstanceUids: ['b'] },
    ]);
    expect(counts).toMatchObject({ acknowledgedSends: 3, distinctInstances: 2, acknowledgedMoreThanOnce: 1, duplicateInstances: ['a'] });
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

describe('countAcknowledgements (issue 14, item 3: sends, not unique UIDs)', () => {
  it('counts every acknowledgement as a send and each SOP Instance UID once as an instance', () => {
    const counts = countAcknowledgements([ack('1', '1.1', 'a'), ack('1', '1.1', 'b'), ack('2', '2.1', 'c')]);
    expect(counts).toEqual({ acknowledgedSends: 3, distinctInstances: 3, acknowledgedMoreThanOnce: 0, extraAcknowledgements: 0, duplicateInstances: [] });
  });

  it('counts instances acknowledged more than once, their extra acknowledgements, and names them in the order they repeated', () => {
    // b three times, a twice (in another series: the UID is the instance, PS3.5 section 9), c once.
    const counts = countAcknowledgements([ack('1', '1.1', 'a'), ack('1', '1.1', 'b'), ack('1', '1.1', 'b'), ack('1', '1.1', 'c'), ack('1', '1.2', 'a'), ack('1', '1.1', 'b')]);
    expect(counts).toEqual({ acknowledgedSends: 6, distinctInstances: 3, acknowledgedMoreThanOnce: 2, extraAcknowledgements: 3, duplicateInstances: ['b', 'a'] });
  });

  it('adds the sends beyond the memory cap to the sends, not to the distinct instances', () => {
    expect(countAcknowledgements([ack('1', '1.1', 'a')], 4)).toMatchObject({ acknowledgedSends: 5, distinctInstances: 1 });
  });

  it('lists at most the limit but counts every duplicate', () => {
    const twice = Array.from({ length: 150 }, (_, index) => ack('1', '1.1', `u${index}`));
    const counts = countAcknowledgements([...twice, ...twice]);
    expect(counts.acknowledgedMoreThanOnce).toBe(150);
    expect(counts.extraAcknowledgements).toBe(150);
    expect(counts.acknowledgedSends).toBe(300);
    expect(counts.distinctInstances).toBe(150);
    expect(counts.duplicateInstances).toHaveLength(100);
    expect(counts.duplicateInstances.slice(0, 2)).toEqual(['u0', 'u1']);
    expect(countAcknowledgements([...twice, ...twice], 0, 3).duplicateInstances).toEqual(['u0', 'u1', 'u2']);
  });
});

describe('completeVerify: duplicates intended or not', () => {
  // 240 sends of 120 instances, every one sent twice; the target holds them all.
  const instances = Array.from({ length: 120 }, (_, index) => ack('1', '1.1', `1.2.${index}`));
  const sends = [...instances, ...instances];
  const found = compareFound(groupAcknowledged(sends), [new Set(instances.map((instance) => instance.sopInstanceUid))]);

  it('checks each distinct instance once', () => {
    expect(found).toMatchObject({ checked: 120, missing: 0 });
  });

  it('fails verification for unintended duplicates, all stored or not, and says so in words', () => {
    const summary = completeVerify(found, countAcknowledgements(sends), false);
    expect(summary).toMatchObject({ acknowledgedSends: 240, distinctInstances: 120, acknowledgedMoreThanOnce: 120, extraAcknowledgements: 120, duplicatesIntended: false });
    expect(summary.duplicateInstances?.[0]).toBe('1.2.0');
    expect(verifyPassed(summary)).toBe(false);
    expect(summary.detail).toBe('240 acknowledged sends of 120 distinct instances: 120 acknowledged more than once (unintended, 120 extra acknowledgements); 120 checked: all stored');
  });

  it('passes with intended duplicates, reported as intended', () => {
    const summary = completeVerify(found, countAcknowledgements(sends), true);
    expect(verifyPassed(summary)).toBe(true);
    expect(summary.detail).toBe('240 acknowledged sends of 120 distinct instances: 120 acknowledged more than once (intended, 120 extra acknowledgements); 120 checked: all stored');
  });

  it('still fails intended duplicates when an instance is missing', () => {
    const lost = compareFound(groupAcknowledged(sends), [new Set(instances.slice(1).map((instance) => instance.sopInstanceUid))]);
    const summary = completeVerify(lost, countAcknowledgements(sends), true);
    expect(verifyPassed(summary)).toBe(false);
    expect(summary.missingInstances).toEqual(['1.2.0']);
    expect(summary.detail).toContain('120 checked: 1 missing');
  });

  it('passes without duplicates and says each send was one instance', () => {
    const once = completeVerify(compareFound(groupAcknowledged(instances), [new Set(instances.map((instance) => instance.sopInstanceUid))]), countAcknowledgements(instances), false);
    expect(verifyPassed(once)).toBe(true);
    expect(once.detail).toBe('120 acknowledged sends of 120 distinct instances; 120 checked: all stored');
  });
});

describe('uncheckedVerify', () => {
  it('counts the sends of a run whose check did not run, each distinct instance (and each beyond the cap) not checked, and is not verified', () => {
    const summary = uncheckedVerify([ack('1', '1.1', 'a'), ack('1', '1.1', 'a')], 1, 'not checked: the run was interrupted');
    expect(summary).toMatchObject({ checked: 0, notChecked: 2, acknowledgedSends: 3, distinctInstances: 1, acknowledgedMoreThanOnce: 1 });
    expect(verifyPassed(summary)).toBe(false);
    expect(summary.detail).toBe(
      'not verified: not checked: the run was interrupted (3 acknowledged sends of 1 distinct instance: 1 acknowledged more than once (unintended, 1 extra acknowledgement); 0 checked, 0 missing, 2 not checked)',
    );
  });
});

describe('verifyPassed on summaries written before the send counts', () => {
  it('reads them as before: no duplicates known', () => {
    expect(verifyPassed({ checked: 5, missing: 0, missingInstances: [], notChecked: 0 })).toBe(true);
    expect(verifyPassed({ checked: 5, missing: 1, missingInstances: ['x'], notChecked: 0 })).toBe(false);
  });
});
