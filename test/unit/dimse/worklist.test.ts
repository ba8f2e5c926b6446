import { describe, expect, it } from 'vitest';
import { buildWorklist, stationAeTitle } from '../../../src/synth/worklist.js';
import { createRandom, deriveSeed, pick, randomInt } from '../../../src/synth/random.js';
import { syntheticUid } from '../../../src/synth/uid.js';
import { dicomTimeFromMinutes, localDicomDate } from '../../../src/synth/dicom-date.js';

const options = { stations: 3, stepsPerStation: 5, date: '20260428', seed: 42, modality: 'MR' };

describe('createRandom', () => {
  it('repeats for the same seed and differs for another', () => {
    const first = createRandom(7);
    const again = createRandom(7);
    const other = createRandom(8);
    const a = [first(), first(), first()];
    expect([again(), again(), again()]).toEqual(a);
    expect([other(), other(), other()]).not.toEqual(a);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = createRandom(1);
    const values = Array.from({ length: 10_000 }, () => random());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const buckets = new Array<number>(10).fill(0);
    for (const value of values) buckets[Math.floor(value * 10)]! += 1;
    expect(Math.min(...buckets)).toBeGreaterThan(850);
  });

  it('derives distinct seeds from distinct parts', () => {
    const seeds = new Set<number>();
    for (let item = 0; item < 1000; item++) seeds.add(deriveSeed(42, 20260428, item));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });

  it('picks integers within bounds and items from the list', () => {
    const random = createRandom(3);
    for (let index = 0; index < 200; index++) {
      const value = randomInt(random, 5, 7);
      expect([5, 6, 7]).toContain(value);
      expect(['a', 'b']).toContain(pick(random, ['a', 'b']));
    }
    expect(() => pick(random, [])).toThrow();
  });
});

describe('syntheticUid', () => {
  it('is a 2.25 UID of a version-8 UUID within 64 characters (PS3.5 B.2)', () => {
    const random = createRandom(9);
    for (let index = 0; index < 100; index++) {
      const uid = syntheticUid(random);
      expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
      expect(uid.length).toBeLessThanOrEqual(64);
      const value = BigInt(uid.slice(5));
      expect((value >> 76n) & 0xfn).toBe(8n);
      expect((value >> 62n) & 0x3n).toBe(2n);
    }
  });
});

describe('DICOM dates and times', () => {
  it('formats the local date as DA', () => {
    expect(localDicomDate(new Date(2026, 3, 8, 23, 59))).toBe('20260408');
  });

  it('formats minutes as TM and wraps at midnight', () => {
    expect(dicomTimeFromMinutes(7 * 60 + 45)).toBe('074500');
    expect(dicomTimeFromMinutes(24 * 60 + 5)).toBe('000500');
  });
});

describe('buildWorklist', () => {
  it('builds stepsPerStation items per station, station by station', () => {
    const items = buildWorklist(options);
    expect(items).toHaveLength(15);
    const stations = items.map((item) => item.ScheduledProcedureStepSequence[0].ScheduledStationAETitle);
    expect(stations.slice(0, 5)).toEqual(new Array(5).fill('STATION001'));
    expect(stations.slice(10)).toEqual(new Array(5).fill('STATION003'));
  });

  it('is visibly synthetic and numbered', () => {
    const item = buildWorklist(options)[11]!;
    expect(item.PatientName).toBe('PACSLOAD^SYNTH^00012');
    expect(item.PatientID).toBe('PLSYN-000012');
    expect(item.InstitutionName).toBe('SYNTHETIC LOAD-TEST DATA');
    expect(item.AccessionNumber).toBe('PL20260428000012');
    expect(item.AccessionNumber.length).toBeLessThanOrEqual(16);
    expect(item.RequestedProcedureID).toBe('RP000012');
    expect(item.StudyInstanceUID).toMatch(/^2\.25\.\d+$/);
    const [step] = item.ScheduledProcedureStepSequence;
    expect(step.Modality).toBe('MR');
    expect(step.ScheduledProcedureStepStartDate).toBe('20260428');
    // Item 12 is station 3's second step: 07:00 + 15 min.
    expect(step.ScheduledProcedureStepStartTime).toBe('071500');
  });

  it('is the same for the same seed and date, and different for another seed', () => {
    expect(buildWorklist(options)).toEqual(buildWorklist(options));
    const other = buildWorklist({ ...options, seed: 43 });
    expect(other[0]!.StudyInstanceUID).not.toBe(buildWorklist(options)[0]!.StudyInstanceUID);
  });

  it('keeps an item the same when the number of stations changes', () => {
    const small = buildWorklist(options);
    const large = buildWorklist({ ...options, stations: 10 });
    expect(large.slice(0, 15)).toEqual(small);
  });

  it('gives every item a distinct study UID', () => {
    const uids = new Set(buildWorklist({ ...options, stations: 50, stepsPerStation: 20 }).map((item) => item.StudyInstanceUID));
    expect(uids.size).toBe(1000);
  });

  it('names stations STATION001 upwards', () => {
    expect(stationAeTitle(1)).toBe('STATION001');
    expect(stationAeTitle(200)).toBe('STATION200');
  });
});
