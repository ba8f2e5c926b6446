import { expect, it } from 'vitest';
import { AcknowledgedCollector } from '../../../src/operations/acknowledged-collector.js';

const instances = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => ({ studyUid: '1', seriesUid: '1.1', sopInstanceUid: `1.1.${from + index}` }));

it('keeps instances up to its capacity and counts the rest', () => {
  const collector = new AcknowledgedCollector(5);
  collector.add(instances(3));
  collector.add(instances(4, 3));
  expect(collector.kept).toBe(5);
  expect(collector.notKept).toBe(2);
  collector.add(instances(1, 7));
  expect(collector.notKept).toBe(3);
  expect(collector.chunks(2).map((chunk) => chunk.map((instance) => instance.sopInstanceUid))).toEqual([
    ['1.1.0', '1.1.1'],
    ['1.1.2', '1.1.3'],
    ['1.1.4'],
  ]);
});

it('has no chunks when nothing was acknowledged', () => {
  expect(new AcknowledgedCollector().chunks()).toEqual([]);
});
