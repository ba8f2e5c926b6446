import { describe, expect, it } from 'vitest';
import { PointBuffer } from '../../../../src/outputs/influx/point-buffer.js';

describe('PointBuffer', () => {
  it('gives lines back oldest first, in batches', () => {
    const buffer = new PointBuffer(10);
    for (const line of ['a', 'b', 'c', 'd']) buffer.push(line);
    expect(buffer.take(3)).toEqual(['a', 'b', 'c']);
    expect(buffer.size).toBe(1);
    expect(buffer.take(3)).toEqual(['d']);
    expect(buffer.take(3)).toEqual([]);
    expect(buffer.dropped).toBe(0);
  });

  it('when full, drops the oldest line to keep the newest, and counts it', () => {
    const buffer = new PointBuffer(3);
    for (let index = 0; index < 8; index++) buffer.push(`line ${index}`);
    expect(buffer.size).toBe(3);
    expect(buffer.dropped).toBe(5);
    expect(buffer.take(10)).toEqual(['line 5', 'line 6', 'line 7']);
  });

  it('stays bounded over many wrap-arounds', () => {
    const buffer = new PointBuffer(100);
    for (let index = 0; index < 100_000; index++) {
      buffer.push(String(index));
      if (index % 7 === 0) buffer.take(3);
    }
    expect(buffer.size).toBeLessThanOrEqual(100);
    const remaining = buffer.take(100);
    expect(remaining.at(-1)).toBe('99999');
    // Oldest first, consecutive: nothing reordered.
    expect(remaining.map(Number)).toEqual(remaining.map((_, index) => Number(remaining[0]) + index));
  });

  it('dropAll counts what it held', () => {
    const buffer = new PointBuffer(5);
    buffer.push('x');
    buffer.push('y');
    expect(buffer.dropAll()).toBe(2);
    expect(buffer.size).toBe(0);
    expect(buffer.dropped).toBe(2);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new PointBuffer(0)).toThrow(RangeError);
  });
});
