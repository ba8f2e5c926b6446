import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENCY, MAX_RATE_PER_SEC, sanityLimitProblems } from '../../../src/profile/limits.js';
import { parseProfileText } from '../../../src/profile/load.js';

function problemsOf(scenarios: string): Array<{ path: string; message: string }> {
  return sanityLimitProblems(parseProfileText(`name: t\nscenarios:\n${scenarios}\n`, 't.yaml')).map(({ path, message }) => ({ path, message }));
}

describe('sanity limits', () => {
  it('accepts what a hospital load test asks for', () => {
    expect(problemsOf('  a: { operation: qido.studies, executor: constant-arrival-rate, rate: 2000/s, duration: 24h }')).toEqual([]);
    expect(problemsOf('  a: { operation: dimse.echo, executor: constant-concurrency, users: 500, duration: 1h }')).toEqual([]);
  });

  it('names each absurd value with its profile path and the limit', () => {
    const problems = problemsOf(
      [
        '  a: { operation: qido.studies, executor: constant-arrival-rate, rate: 1000000000/s, duration: 876000h }',
        '  b: { operation: dimse.echo, executor: constant-concurrency, users: 10000000, duration: 10s }',
        '  c: { operation: dimse.echo, executor: ramping-arrival-rate, startRate: 1/s, stages: [{ duration: 100h, target: 60000/s }, { duration: 100h, target: 1/s }] }',
      ].join('\n'),
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'scenarios.a.rate',
      'scenarios.a.duration',
      'scenarios.b.users',
      'scenarios.c.stages.0.target',
      'scenarios.c.stages',
    ]);
    expect(problems[0]?.message).toContain(`limit of ${MAX_RATE_PER_SEC}/s`);
    expect(problems[2]?.message).toContain(String(MAX_CONCURRENCY));
    expect(problems[4]?.message).toMatch(/200 h in all, above the limit of 168 h/);
  });
});
