import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { parseTolerances } from '../../../src/report/tolerances.js';

function usageError(text: string): { message: string; hint: string; exitCode: number } {
  try {
    parseTolerances(text);
  } catch (error) {
    if (isPacsLoadError(error) && error.code === 'ERR_USAGE') return { message: error.message, hint: error.hint, exitCode: error.exitCode };
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseTolerances', () => {
  it('reads the example of the issue', () => {
    expect(parseTolerances('p95=10%,p99=20%,errors=0.1pp,rate=-5%')).toEqual([
      { metric: 'p95', kind: 'relative', fraction: 0.1, source: 'p95=10%' },
      { metric: 'p99', kind: 'relative', fraction: 0.2, source: 'p99=20%' },
      { metric: 'errors', kind: 'points', points: 0.1, source: 'errors=0.1pp' },
      { metric: 'rate', kind: 'decrease', fraction: 0.05, source: 'rate=-5%' },
    ]);
  });

  it('takes absolute latency increases, every latency metric, dropped, spaces and upper case', () => {
    expect(parseTolerances(' P50 = 2ms , p99.9=150%, max=1s, mean=+5%, dropped=0pp, rate=5% ')).toEqual([
      { metric: 'p50', kind: 'absolute', increaseUs: 2_000, source: 'p50=2ms' },
      { metric: 'p99.9', kind: 'relative', fraction: 1.5, source: 'p99.9=150%' },
      { metric: 'max', kind: 'absolute', increaseUs: 1_000_000, source: 'max=1s' },
      { metric: 'mean', kind: 'relative', fraction: 0.05, source: 'mean=+5%' },
      { metric: 'dropped', kind: 'points', points: 0, source: 'dropped=0pp' },
      { metric: 'rate', kind: 'decrease', fraction: 0.05, source: 'rate=5%' },
    ]);
  });

  it.each([
    ['', /is empty/, /p95=10%/],
    ['p95', /is not `metric=value`/, /--max-regression p95=10%/],
    ['p97=10%', /unknown metric `p97`/, /p50, p90, p95/],
    ['latency=10%', /unknown metric `latency`/, /errors/],
    ['p95=10', /neither a percentage nor a duration/, /`p95=50ms`/],
    ['p95=-10%', /increase allowed, not a decrease/, /p95=10%/],
    ['errors=1%', /percentage points, not %/, /errors=0.1pp/],
    ['errors=0.1', /not in percentage points/, /0.1pp/],
    ['rate=10/s', /rate=10\/s.*not a percentage/, /rate=-5%/],
    ['rate=-150%', /more than 100%/, /rate=-5%/],
    ['p95=10%,p95=20%', /names `p95` twice/, /once/],
  ])('refuses %j with a usage error (exit 2) and a hint', (text, message, hint) => {
    const error = usageError(text);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });
});
