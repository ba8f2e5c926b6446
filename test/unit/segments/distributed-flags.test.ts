import { describe, expect, it } from 'vitest';
import { segmentFromFlags } from '../../../src/distributed/segment-flags.js';
import { MAX_START_AHEAD_MS, parseStartAt } from '../../../src/distributed/start-at.js';

const NOW = Date.parse('2026-11-28T06:00:00Z');
const usageError = expect.objectContaining({ code: 'ERR_USAGE' }) as Error;

describe('--start-at', () => {
  it('reads ISO 8601 with a zone and epoch milliseconds', () => {
    expect(parseStartAt('2026-11-28T06:30:00Z', NOW)).toBe(Date.parse('2026-11-28T06:30:00Z'));
    expect(parseStartAt('2026-11-28T07:30:00+01:00', NOW)).toBe(Date.parse('2026-11-28T06:30:00Z'));
    expect(parseStartAt(String(NOW + 60_000), NOW)).toBe(NOW + 60_000);
  });

  it('refuses the past, more than 24 h ahead, and times without a zone, with a hint', () => {
    expect(() => parseStartAt('2026-11-28T05:59:59Z', NOW)).toThrow(usageError);
    expect(() => parseStartAt(String(NOW + MAX_START_AHEAD_MS + 1), NOW)).toThrow(usageError);
    expect(() => parseStartAt('2026-11-28T06:30:00', NOW)).toThrow(usageError);
    expect(() => parseStartAt('tomorrow', NOW)).toThrow(usageError);
    expect(() => parseStartAt('2026-11-28T05:00:00Z', NOW)).toThrow(/in the past/);
  });
});

describe('--segment / --segment-from-env', () => {
  it('maps JOB_COMPLETION_INDEX (0-based) to segment index+1 of N', () => {
    expect(segmentFromFlags({ segmentFromEnv: '8' }, { JOB_COMPLETION_INDEX: '0' })).toEqual({ kind: 'stripe', index: 0, count: 8 });
    expect(segmentFromFlags({ segmentFromEnv: '8' }, { JOB_COMPLETION_INDEX: '7' })).toEqual({ kind: 'stripe', index: 7, count: 8 });
    expect(segmentFromFlags({ segment: '3/4' }, {})).toEqual({ kind: 'stripe', index: 2, count: 4 });
    expect(segmentFromFlags({}, { JOB_COMPLETION_INDEX: '3' })).toBeUndefined();
  });

  it('refuses a missing or out-of-range index and both flags together', () => {
    expect(() => segmentFromFlags({ segmentFromEnv: '8' }, {})).toThrow(usageError);
    expect(() => segmentFromFlags({ segmentFromEnv: '8' }, { JOB_COMPLETION_INDEX: '8' })).toThrow(usageError);
    expect(() => segmentFromFlags({ segmentFromEnv: 'x' }, { JOB_COMPLETION_INDEX: '0' })).toThrow(usageError);
    expect(() => segmentFromFlags({ segment: '1/2', segmentFromEnv: '2' }, { JOB_COMPLETION_INDEX: '0' })).toThrow(usageError);
  });
});
