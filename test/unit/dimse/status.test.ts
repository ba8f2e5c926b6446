import { describe, expect, it } from 'vitest';
import { classifyDimseStatus, dimseStatusName, formatDimseStatus, isPendingStatus } from '../../../src/protocol/dimse/status.js';
import { outcomeFromFinalStatuses, outcomeFromSocketError } from '../../../src/protocol/dimse/outcome.js';

describe('classifyDimseStatus (PS3.7 Annex C)', () => {
  it.each([
    [0x0000, 'success'],
    [0x0001, 'warning'],
    [0xb000, 'warning'],
    [0xb006, 'warning'],
    [0xb007, 'warning'],
    [0x0107, 'warning'],
    [0x0116, 'warning'],
    [0xff00, 'pending'],
    [0xff01, 'pending'],
    [0xfe00, 'cancel'],
    [0xa700, 'failure'],
    [0xa900, 'failure'],
    [0xc000, 'failure'],
    [0xc123, 'failure'],
    [0x0110, 'failure'],
    [0x0122, 'failure'],
    [0x0211, 'failure'],
  ])('classifies %s', (status, expected) => {
    expect(classifyDimseStatus(status)).toBe(expected);
  });

  it('treats FF00 and FF01 as pending, nothing else', () => {
    expect(isPendingStatus(0xff00)).toBe(true);
    expect(isPendingStatus(0xff01)).toBe(true);
    expect(isPendingStatus(0x0000)).toBe(false);
    expect(isPendingStatus(0xfe00)).toBe(false);
  });

  it('names common codes and falls back to the class', () => {
    expect(dimseStatusName(0xa700)).toBe('out of resources');
    expect(dimseStatusName(0xa900)).toBe('identifier does not match SOP class');
    expect(dimseStatusName(0xc000)).toBe('unable to process');
    expect(dimseStatusName(0x0122)).toBe('SOP class not supported');
    expect(dimseStatusName(0xb000)).toBe('coercion of data elements');
    expect(dimseStatusName(0xb006)).toBe('elements discarded');
    expect(dimseStatusName(0xb007)).toBe('data set does not match SOP class');
    expect(dimseStatusName(0xc001)).toBe('failure');
    expect(dimseStatusName(0xb123)).toBe('warning');
  });

  it('formats as four upper-case hex digits', () => {
    expect(formatDimseStatus(0xa700)).toBe('A700');
    expect(formatDimseStatus(0x0110)).toBe('0110');
  });
});

describe('outcomeFromFinalStatuses', () => {
  it('is ok when every request succeeded', () => {
    expect(outcomeFromFinalStatuses([0x0000, 0x0000])).toEqual({ kind: 'ok' });
  });

  it('keeps a warning, which is still a success (docs/architecture.md section 3)', () => {
    expect(outcomeFromFinalStatuses([0x0000, 0xb000])).toEqual({ kind: 'dimse-warning', status: 0xb000 });
  });

  it('reports the first failure ahead of any warning', () => {
    expect(outcomeFromFinalStatuses([0xb007, 0xa700, 0xc000])).toEqual({ kind: 'dimse-failure', status: 0xa700 });
  });

  it('counts a cancel as a failure', () => {
    expect(outcomeFromFinalStatuses([0xfe00])).toEqual({ kind: 'dimse-failure', status: 0xfe00 });
  });
});

describe('outcomeFromSocketError', () => {
  it.each([
    ['ECONNREFUSED', { kind: 'connection-refused' }],
    ['ECONNRESET', { kind: 'connection-reset' }],
    ['EPIPE', { kind: 'connection-reset' }],
    ['ETIMEDOUT', { kind: 'timeout' }],
    ['EHOSTUNREACH', { kind: 'network-error', code: 'EHOSTUNREACH' }],
  ])('maps %s', (code, outcome) => {
    expect(outcomeFromSocketError(code)).toEqual(outcome);
  });
});
