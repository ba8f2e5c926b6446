import { describe, expect, it } from 'vitest';
import {
  formatBitsPerSec,
  formatBytes,
  formatBytesPerSec,
  formatDurationUs,
  formatPercent,
  formatRate,
  formatSignificant,
} from '../../../src/metrics/format.js';

describe('formatDurationUs', () => {
  it.each([
    [0, '0 µs'],
    [850, '850 µs'],
    [999, '999 µs'],
    [1000, '1 ms'],
    [1500, '1.5 ms'],
    [12_345, '12.3 ms'],
    [612_351, '612 ms'],
    [999_600, '1 s'],
    [1_520_000, '1.52 s'],
    [3_600_000_000, '3600 s'],
  ])('%d µs is %s', (durationUs, text) => {
    expect(formatDurationUs(durationUs)).toBe(text);
  });

  it('takes more digits when asked', () => {
    expect(formatDurationUs(612_351, 4)).toBe('612.4 ms');
    expect(formatDurationUs(500_000, 4)).toBe('500 ms');
  });
});

describe('formatRate', () => {
  it.each([
    [0, '0/s'],
    [0.2, '0.2/s'],
    [41.234, '41.2/s'],
    [1250.4, '1250/s'],
    [1 / 3, '0.333/s'],
  ])('%d is %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatBytes and bandwidth', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1500, '1.5 kB'],
    [999_999, '1 MB'],
    [356_515_840, '357 MB'],
    [2_500_000_000, '2.5 GB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('formats bytes and bits per second', () => {
    expect(formatBytesPerSec(12_300_000)).toBe('12.3 MB/s');
    expect(formatBitsPerSec(12_300_000)).toBe('98.4 Mbit/s');
    expect(formatBitsPerSec(125_000_000)).toBe('1 Gbit/s');
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.0035, '0.35%'],
    [0.001, '0.1%'],
    [0.123456, '12.3%'],
    [1, '100%'],
    [0.000012, '0.0012%'],
  ])('%d is %s', (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });
});

describe('formatSignificant', () => {
  it('never uses exponent form and never prints -0', () => {
    expect(formatSignificant(123_456_789)).toBe('123456789');
    expect(formatSignificant(-0.0001)).toBe('-0.0001');
    expect(formatSignificant(-0)).toBe('0');
    expect(formatSignificant(0.1 + 0.2)).toBe('0.3');
  });
});
