import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from '../../../src/profile/did-you-mean.js';
import { dottedPath, problemsFromIssues, problemsText, problemText } from '../../../src/profile/problems.js';

describe('problemsFromIssues', () => {
  it('decodes problems carried in issue messages, below the issue path', () => {
    const issues = [
      { code: 'custom', path: ['scenarios', 'a', 'rate'], message: problemText('bad rate', 'write 1/s') },
      {
        code: 'unrecognized_keys',
        path: ['scenarios', 'a'],
        message: problemsText([
          { subpath: ['x'], message: 'unknown key `x`', fix: 'remove it' },
          { subpath: ['y'], message: 'unknown key `y`', fix: 'remove it' },
        ]),
      },
    ];
    expect(problemsFromIssues(issues)).toEqual([
      { path: 'scenarios.a.rate', message: 'bad rate', fix: 'write 1/s' },
      { path: 'scenarios.a.x', message: 'unknown key `x`', fix: 'remove it' },
      { path: 'scenarios.a.y', message: 'unknown key `y`', fix: 'remove it' },
    ]);
  });

  it('translates issues without a carried problem into plain words', () => {
    const problems = problemsFromIssues([
      { code: 'unrecognized_keys', path: ['a'], message: 'Unrecognized key: "b"', keys: ['b'] },
      { code: 'invalid_type', path: ['c'], message: 'Invalid input: expected string, received number', expected: 'string' },
      { code: 'something_new', path: ['d', 0], message: 'Invalid input' },
    ]);
    expect(problems).toEqual([
      { path: 'a.b', message: 'unknown key `b`', fix: 'remove it or check its spelling' },
      { path: 'c', message: 'must be a string', fix: 'write a string here' },
      { path: 'd[0]', message: 'has an invalid value', fix: 'check this value against the profile reference (JSON Schema)' },
    ]);
  });

  it('drops duplicates and orders by position in the input when given it', () => {
    const input = { b: 1, a: { z: 1, y: 2 } };
    const issues = [
      { code: 'custom', path: ['a', 'y'], message: problemText('y', 'fix') },
      { code: 'custom', path: ['b'], message: problemText('b', 'fix') },
      { code: 'custom', path: ['a', 'missing'], message: problemText('missing', 'fix') },
      { code: 'custom', path: ['b'], message: problemText('b', 'fix') },
    ];
    expect(problemsFromIssues(issues, input).map((p) => p.message)).toEqual(['b', 'missing', 'y']);
  });
});

describe('dottedPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(dottedPath([])).toBe('');
    expect(dottedPath(['scenarios', 'ramp', 'stages', 1, 'target'])).toBe('scenarios.ramp.stages[1].target');
  });
});

describe('closestMatch', () => {
  const keys = ['rate', 'duration', 'maxInFlight', 'passwordEnv', 'abortOnFail'];

  it('suggests near misses, transpositions and case slips', () => {
    expect(closestMatch('rat', keys)).toBe('rate');
    expect(closestMatch('duraiton', keys)).toBe('duration');
    expect(closestMatch('maxinflight', keys)).toBe('maxInFlight');
  });

  it('suggests a key the word is a prefix of, or the other way round', () => {
    expect(closestMatch('password', keys)).toBe('passwordEnv');
    expect(closestMatch('abortOnFailure', keys)).toBe('abortOnFail');
  });

  it('suggests nothing for unrelated words', () => {
    expect(closestMatch('x', keys)).toBeUndefined();
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(didYouMean('colour', keys)).toBe('');
    expect(didYouMean('rat', keys)).toBe('did you mean `rate`? ');
  });
});
