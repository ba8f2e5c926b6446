/** The simulator's MPPS state machine (PS3.4 F.7.2): IN PROGRESS -> COMPLETED or DISCONTINUED, refusals by status. */
import { describe, expect, it } from 'vitest';
import { MppsStore } from '../../../src/simulator/dimse-mpps.js';

describe('MppsStore', () => {
  it('creates IN PROGRESS and completes once', () => {
    const store = new MppsStore();
    expect(store.create('1.2.3', 'IN PROGRESS')).toBe(0x0000);
    expect(store.set('1.2.3', undefined)).toBe(0x0000);
    expect(store.statusOf('1.2.3')).toBe('IN PROGRESS');
    expect(store.set('1.2.3', 'COMPLETED')).toBe(0x0000);
    expect(store.statusOf('1.2.3')).toBe('COMPLETED');
    // F.7.2.2.2: a finished step may no longer be updated.
    expect(store.set('1.2.3', 'COMPLETED')).toBe(0x0110);
    expect(store.set('1.2.3', 'DISCONTINUED')).toBe(0x0110);
    expect(store.stats()).toEqual({ creates: 1, sets: 4, refused: 2, inProgress: 0, completed: 1, discontinued: 0 });
  });

  it('discontinues, and refuses unknown steps, duplicates and wrong statuses', () => {
    const store = new MppsStore();
    expect(store.set('9.9', 'COMPLETED')).toBe(0x0112);
    expect(store.create('1.1', 'COMPLETED')).toBe(0x0106);
    expect(store.create('1.1', 'IN PROGRESS')).toBe(0x0000);
    expect(store.create('1.1', 'IN PROGRESS')).toBe(0x0111);
    expect(store.set('1.1', 'FINISHED')).toBe(0x0106);
    expect(store.set('1.1', 'DISCONTINUED')).toBe(0x0000);
    expect(store.statusOf('1.1')).toBe('DISCONTINUED');
    expect(store.stats()).toMatchObject({ discontinued: 1, refused: 4 });
  });

  it('forgets the oldest steps beyond its bound', () => {
    const store = new MppsStore(2);
    store.create('a', 'IN PROGRESS');
    store.create('b', 'IN PROGRESS');
    store.create('c', 'IN PROGRESS');
    expect(store.statusOf('a')).toBeUndefined();
    expect(store.set('a', 'COMPLETED')).toBe(0x0112);
    expect(store.statusOf('c')).toBe('IN PROGRESS');
  });
});
