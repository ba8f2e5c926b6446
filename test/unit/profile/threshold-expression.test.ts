import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import {
  parseThresholdExpression,
  tryParseThresholdExpression,
  type ThresholdParse,
} from '../../../src/profile/threshold-expression.js';

function failure(result: ThresholdParse): { message: string; fix: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.expression)}`);
  return result;
}

describe('tryParseThresholdExpression', () => {
  it.each([
    ['p50 < 100ms', 'p50', '<', 100_000],
    ['p90 <= 1s', 'p90', '<=', 1_000_000],
    ['p95 < 500ms', 'p95', '<', 500_000],
    ['p99 <= 2s', 'p99', '<=', 2_000_000],
    ['p99.9 < 5s', 'p99.9', '<', 5_000_000],
    ['max < 1m', 'max', '<', 60_000_000],
    ['mean > 1ms', 'mean', '>', 1_000],
    ['errors < 0.1%', 'errors', '<', 0.001],
    ['dropped < 1%', 'dropped', '<', 0.01],
    ['rate >= 40/s', 'rate', '>=', 40],
    ['rate > 600/m', 'rate', '>', 10],
  ] as const)('parses `%s`', (text, metric, comparator, value) => {
    const result = tryParseThresholdExpression(text);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.expression.source).toBe(text);
      expect(result.expression.metric).toBe(metric);
      expect(result.expression.comparator).toBe(comparator);
      expect(result.expression.value).toBeCloseTo(value, 12);
    }
  });

  it('accepts missing spaces and keeps the trimmed source', () => {
    const result = tryParseThresholdExpression('  p95<500ms ');
    expect(result).toEqual({
      ok: true,
      expression: { source: 'p95<500ms', metric: 'p95', comparator: '<', value: 500_000 },
    });
  });

  it('rejects an empty threshold', () => {
    expect(failure(tryParseThresholdExpression('  ')).message).toBe('the threshold is empty');
  });

  it('rejects an unknown metric and lists the valid ones', () => {
    const result = failure(tryParseThresholdExpression('latency < 500ms'));
    expect(result.message).toBe('unknown metric `latency`');
    expect(result.fix).toContain('p50, p90, p95, p99, p99.9, max, mean, errors, dropped, rate');
  });

  it('points k6 spellings at ours', () => {
    expect(failure(tryParseThresholdExpression('p(95) < 500ms')).fix).toContain('`p95`');
    expect(failure(tryParseThresholdExpression('avg < 200ms')).fix).toContain('`mean`');
  });

  it('rejects unsupported percentiles', () => {
    const result = failure(tryParseThresholdExpression('p75 < 1s'));
    expect(result.message).toContain('not a supported percentile');
    expect(result.fix).toContain('p50, p90, p95, p99 or p99.9');
  });

  it('rejects a missing comparator', () => {
    const result = failure(tryParseThresholdExpression('p95 500ms'));
    expect(result.message).toContain('has no comparator');
    expect(result.fix).toContain('<, <=, > or >=');
  });

  it('rejects equality comparators', () => {
    const result = failure(tryParseThresholdExpression('errors == 0%'));
    expect(result.message).toContain('uses `==`');
    expect(result.fix).toContain('errors < 1%');
  });

  it('rejects a missing value', () => {
    expect(failure(tryParseThresholdExpression('p95 <')).message).toContain('has no value');
  });

  it('requires a duration unit for latency metrics', () => {
    const result = failure(tryParseThresholdExpression('p95 < 500'));
    expect(result.message).toBe('in `p95 < 500`: `500` has no unit');
    expect(result.fix).toContain('`500ms`');
  });

  it('requires a percentage for errors and dropped', () => {
    const result = failure(tryParseThresholdExpression('errors < 0.001'));
    expect(result.message).toContain('has no `%`');
    expect(failure(tryParseThresholdExpression('dropped < lots')).message).toContain('not a percentage');
  });

  it('requires a rate for rate', () => {
    expect(failure(tryParseThresholdExpression('rate >= 40')).fix).toContain('`40/s`');
  });

  it('parseThresholdExpression throws PacsLoadError ERR_USAGE', () => {
    expect(parseThresholdExpression('max < 2s').value).toBe(2_000_000);
    try {
      parseThresholdExpression('p95 < 500');
      expect.unreachable();
    } catch (error) {
      expect(isPacsLoadError(error) && error.code).toBe('ERR_USAGE');
    }
  });
});
