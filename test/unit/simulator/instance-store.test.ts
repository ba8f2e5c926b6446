import { describe, expect, it } from 'vitest';
import { InstanceStore, INDEX_BYTES_PER_INSTANCE, type StoredInstance } from '../../../src/simulator/instance-store.js';

/** A received instance of `bytes` data set bytes (the content does not matter to the store). */
function instance(study: string, series: string, sop: string, bytes: number, patientId = 'PLSYN-1'): StoredInstance {
  return {
    attributes: {
      studyInstanceUid: study,
      seriesInstanceUid: series,
      sopInstanceUid: sop,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      patientId,
      patientName: 'PACSLOAD^SYNTH^1',
      studyDate: '20261128',
      accessionNumber: 'A1',
      modality: 'CT',
      seriesNumber: 1,
      instanceNumber: Number(sop.slice(sop.lastIndexOf('.') + 1)),
      rows: 4,
      columns: 4,
      bitsAllocated: 16,
      numberOfFrames: 1,
    },
    dataset: Buffer.alloc(bytes),
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelData: undefined,
    receivedBytes: bytes,
    costBytes: InstanceStore.costOf(bytes),
  };
}

const KIB = 1024;
/** What one 1 KiB instance costs against the cap. */
const ONE = InstanceStore.costOf(KIB);

describe('InstanceStore', () => {
  it('indexes instances by study, series and patient; a second copy replaces the first', () => {
    const store = new InstanceStore();
    expect(store.put(instance('1.1', '1.1.1', '1.1.1.1', KIB))).toEqual({ ok: true });
    expect(store.put(instance('1.1', '1.1.2', '1.1.2.1', KIB))).toEqual({ ok: true });
    expect(store.put(instance('1.2', '1.2.1', '1.2.1.1', KIB, 'PLSYN-2'))).toEqual({ ok: true });
    const version = store.version;
    expect(store.put(instance('1.1', '1.1.1', '1.1.1.1', 2 * KIB))).toEqual({ ok: true });
    expect(store.version).toBeGreaterThan(version);
    expect(store.stats()).toMatchObject({ studies: 2, series: 3, instances: 3, receivedBytes: 4 * KIB, costBytes: 4 * KIB + 3 * INDEX_BYTES_PER_INSTANCE });
    expect(store.study('1.1')?.instanceCount).toBe(2);
    expect(store.instance('1.1', '1.1.1', '1.1.1.1')?.receivedBytes).toBe(2 * KIB);
    expect(store.studiesOfPatient('PLSYN-1').map((study) => study.studyInstanceUid)).toEqual(['1.1']);
    // Least recently stored first: 1.1 was stored to last.
    expect(store.studies().map((study) => study.studyInstanceUid)).toEqual(['1.2', '1.1']);
  });

  it('evict-oldest: makes room by removing whole studies, least recently stored first, and keeps the one arriving', () => {
    const store = new InstanceStore({ maxBytes: 4 * ONE, whenFull: 'evict-oldest' });
    store.put(instance('1.1', '1.1.1', '1.1.1.1', KIB));
    store.put(instance('1.1', '1.1.1', '1.1.1.2', KIB));
    store.put(instance('1.2', '1.2.1', '1.2.1.1', KIB));
    store.put(instance('1.3', '1.3.1', '1.3.1.1', KIB));
    expect(store.stats().instances).toBe(4);
    // Full: the next instance evicts study 1.1 (two instances), the oldest.
    expect(store.put(instance('1.4', '1.4.1', '1.4.1.1', KIB))).toEqual({ ok: true });
    expect(store.study('1.1')).toBeUndefined();
    expect(store.studiesOfPatient('PLSYN-1').map((study) => study.studyInstanceUid)).toEqual(['1.2', '1.3', '1.4']);
    expect(store.stats()).toMatchObject({ studies: 3, instances: 3, evictedStudies: 1, evictedInstances: 2, refusedInstances: 0 });
    // A study that keeps arriving is the most recently stored: the others go first, then it is refused rather than evicting itself.
    for (let number = 2; number <= 4; number++) expect(store.put(instance('1.4', '1.4.1', `1.4.1.${number}`, KIB))).toEqual({ ok: true });
    expect(store.studies().map((study) => study.studyInstanceUid)).toEqual(['1.4']);
    expect(store.put(instance('1.4', '1.4.1', '1.4.1.5', KIB))).toEqual({ ok: false, reason: 'full' });
    expect(store.stats()).toMatchObject({ studies: 1, instances: 4, evictedStudies: 3, refusedInstances: 1 });
    expect(store.stats().costBytes).toBeLessThanOrEqual(store.maxBytes);
  });

  it('refuse: keeps what it has and refuses what does not fit', () => {
    const store = new InstanceStore({ maxBytes: 2 * ONE, whenFull: 'refuse' });
    expect(store.put(instance('1.1', '1.1.1', '1.1.1.1', KIB))).toEqual({ ok: true });
    expect(store.put(instance('1.2', '1.2.1', '1.2.1.1', KIB))).toEqual({ ok: true });
    expect(store.admits(ONE)).toBe(false);
    expect(store.put(instance('1.3', '1.3.1', '1.3.1.1', KIB))).toEqual({ ok: false, reason: 'full' });
    // Replacing an instance by one of the same size still fits.
    expect(store.put(instance('1.2', '1.2.1', '1.2.1.1', KIB))).toEqual({ ok: true });
    expect(store.stats()).toMatchObject({ studies: 2, instances: 2, evictedStudies: 0, refusedInstances: 1 });
  });

  it('refuses an instance larger than the whole cap under either policy, and honours an instance cap', () => {
    for (const whenFull of ['evict-oldest', 'refuse'] as const) {
      const store = new InstanceStore({ maxBytes: 4 * KIB, whenFull });
      store.put(instance('1.1', '1.1.1', '1.1.1.1', KIB));
      expect(store.put(instance('1.2', '1.2.1', '1.2.1.1', 8 * KIB))).toEqual({ ok: false, reason: 'too-large' });
      expect(store.study('1.1')?.instanceCount).toBe(1);
    }
    const counted = new InstanceStore({ maxInstances: 1, whenFull: 'refuse' });
    expect(counted.put(instance('1.1', '1.1.1', '1.1.1.1', 0))).toEqual({ ok: true });
    expect(counted.put(instance('1.1', '1.1.1', '1.1.1.2', 0))).toEqual({ ok: false, reason: 'full' });
  });

  it('stays within its cap however long a run stores', () => {
    const store = new InstanceStore({ maxBytes: 64 * ONE });
    let refused = 0;
    for (let study = 1; study <= 500; study++) {
      for (let image = 1; image <= 10; image++) {
        if (!store.put(instance(`2.${study}`, `2.${study}.1`, `2.${study}.1.${image}`, KIB, `P${study % 7}`)).ok) refused++;
      }
    }
    expect(refused).toBe(0);
    const stats = store.stats();
    expect(stats.costBytes).toBeLessThanOrEqual(64 * ONE);
    expect(stats.instances).toBeGreaterThan(50);
    expect(stats.evictedInstances + stats.instances).toBe(5000);
    // The patient index shrinks with the studies.
    const indexed = [0, 1, 2, 3, 4, 5, 6].reduce((sum, patient) => sum + store.studiesOfPatient(`P${patient}`).length, 0);
    expect(indexed).toBe(stats.studies);
  });
});
